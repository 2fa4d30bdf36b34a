// Round-robin assignment with capacity. A conversation nobody holds — new, or reopened by the
// customer — goes to the next eligible agent when its team assigns round-robin, or (with no team)
// when the tenant turned auto-assign on. Eligible: a member of the team (or any member of the tenant
// when there is no team), online (a presence ping in the last 90 s), holding fewer open or pending
// conversations than their capacity (null: no limit). Among them the one whose last assignment is
// oldest (never first, then the lowest user id) gets it.
//
// Several instances may assign at once. Each pick runs in one transaction that claims the agent with
// a conditional UPDATE of inbox_agents.last_assigned_at (it must still hold the value the pick read)
// before giving them the conversation: of two instances that read the same agent, the second's claim
// waits for the first's row lock (MySQL) and then changes nothing, so it starts over and counts the
// conversation the first one gave. SQLite has a single writer (and one instance): there the picks
// queue in-process and each transaction begins IMMEDIATE. (Many connections waiting for SQLite's
// write lock would hold every libuv thread while the lock holder needs one to finish.)
import { Op, Transaction, fn, col, type Sequelize } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { Logger } from '../../logger.ts';
import { dialectOf } from '../../db/sequelize.ts';
import { inboxSettings } from './access.ts';
import type { InboxAgentInstance } from './collaboration.models.ts';
import type { ConversationInstance } from './conversation.model.ts';

/** An agent is online when their last presence ping says so and is at most this old. */
export const ONLINE_WINDOW_MS = 90_000;
/** Conversations that count against an agent's capacity. */
export const ACTIVE_STATUSES = ['open', 'pending'] as const;
const ASSIGNABLE_ROLES = ['agent', 'manager', 'admin'];
const ATTEMPTS = 6;

export function isOnline(agent: Pick<InboxAgentInstance, 'presence' | 'lastSeenAt'> | undefined, now = Date.now()): boolean {
  return Boolean(
    agent && agent.presence === 'online' && agent.lastSeenAt && now - agent.lastSeenAt.getTime() <= ONLINE_WINDOW_MS,
  );
}

/** Another instance changed the agent (or the conversation) between our read and our write. */
class Contended extends Error {}

export interface RoundRobinDeps {
  models: Models;
  sequelize: Sequelize;
  logger: Logger;
  /** Called after the assignment committed (announce it, notify the agent). */
  onAssigned?: (conversation: ConversationInstance, userId: number) => Promise<void>;
}

export class RoundRobin {
  readonly #d: RoundRobinDeps;
  readonly #sqlite: boolean;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: RoundRobinDeps) {
    this.#d = deps;
    this.#sqlite = dialectOf(deps.sequelize) === 'sqlite';
  }

  /** SQLite: one pick at a time in this process; MySQL: as many as the pool allows. */
  #serial<T>(run: () => Promise<T>): Promise<T> {
    if (!this.#sqlite) return run();
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Assigns each of these conversations if its rules say so; returns conversation id → user id. */
  async assign(conversationIds: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const id of [...new Set(conversationIds)]) {
      try {
        const userId = await this.#assignOne(id);
        if (userId !== null) out.set(id, userId);
      } catch (err) {
        // One conversation failing must not stop the rest; it stays unassigned for a person to take.
        this.#d.logger.error({ err, conversationId: id }, 'round-robin assignment failed');
      }
    }
    return out;
  }

  async #assignOne(conversationId: number): Promise<number | null> {
    const M = this.#d.models;
    const conv = await M.Conversation.findByPk(conversationId);
    if (!conv || conv.assigneeUserId !== null || !(ACTIVE_STATUSES as readonly string[]).includes(conv.status)) return null;
    const pool = await this.#pool(conv);
    if (!pool || pool.length === 0) return null;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const userId = await this.#serial(() =>
          this.#d.sequelize.transaction({ type: this.#sqlite ? Transaction.TYPES.IMMEDIATE : Transaction.TYPES.DEFERRED }, (t) =>
            this.#pickAndAssign(conv, pool, t),
          ),
        );
        if (userId === null) return null;
        await conv.reload();
        if (this.#d.onAssigned) await this.#d.onAssigned(conv, userId);
        return userId;
      } catch (err) {
        if (err instanceof Contended || isLockConflict(err)) {
          // Someone else assigned meanwhile: start over from fresh counts (unless the conversation is taken).
          this.#d.logger.debug({ conversationId, attempt }, 'round-robin contention, picking again');
          await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20 * attempt)));
          const fresh = await M.Conversation.findByPk(conversationId, { attributes: ['id', 'assigneeUserId', 'status'] });
          if (!fresh || fresh.assigneeUserId !== null) return null;
          continue;
        }
        throw err;
      }
    }
    this.#d.logger.warn({ conversationId }, 'round-robin gave up after repeated contention');
    return null;
  }

  /** Who may get this conversation: null when its rules say no round-robin. */
  async #pool(conv: ConversationInstance): Promise<number[] | null> {
    const M = this.#d.models;
    if (conv.teamId !== null) {
      const team = await M.Team.findOne({ where: { id: conv.teamId, tenantId: conv.tenantId } });
      if (!team || team.assignment !== 'round_robin') return null;
      const members = await M.TeamMember.findAll({ where: { tenantId: conv.tenantId, teamId: team.id }, attributes: ['userId'] });
      if (members.length === 0) return [];
      // Still members of the tenant (someone removed from it keeps no team rights).
      const current = await M.Membership.findAll({
        where: { tenantId: conv.tenantId, userId: { [Op.in]: members.map((m) => m.userId) } },
        attributes: ['userId'],
      });
      return current.map((m) => m.userId);
    }
    if (!(await inboxSettings(M, conv.tenantId)).autoAssign) return null;
    const members = await M.Membership.findAll({
      where: { tenantId: conv.tenantId, role: { [Op.in]: ASSIGNABLE_ROLES } },
      attributes: ['userId'],
    });
    return members.map((m) => m.userId);
  }

  async #pickAndAssign(conv: ConversationInstance, pool: number[], transaction: Transaction): Promise<number | null> {
    const M = this.#d.models;
    const now = new Date();
    const agents = await M.InboxAgent.findAll({
      where: {
        tenantId: conv.tenantId,
        userId: { [Op.in]: pool },
        presence: 'online',
        lastSeenAt: { [Op.gte]: new Date(now.getTime() - ONLINE_WINDOW_MS) },
      },
      transaction,
    });
    if (agents.length === 0) return null;
    const counts = (await M.Conversation.findAll({
      attributes: ['assigneeUserId', [fn('COUNT', col('id')), 'n']],
      where: {
        tenantId: conv.tenantId,
        assigneeUserId: { [Op.in]: agents.map((a) => a.userId) },
        status: { [Op.in]: [...ACTIVE_STATUSES] },
      },
      group: ['assigneeUserId'],
      raw: true,
      transaction,
    })) as unknown as { assigneeUserId: number; n: number | string }[];
    const held = new Map(counts.map((c) => [Number(c.assigneeUserId), Number(c.n)]));
    const eligible = agents
      .filter((a) => a.capacity === null || (held.get(a.userId) ?? 0) < a.capacity)
      .sort((x, y) => {
        const tx = x.lastAssignedAt?.getTime() ?? -Infinity;
        const ty = y.lastAssignedAt?.getTime() ?? -Infinity;
        return tx !== ty ? tx - ty : x.userId - y.userId;
      });
    const pick = eligible[0];
    if (!pick) return null;
    // Always move forward, even if this instance's clock is behind the last claimant's.
    const prev = pick.lastAssignedAt;
    const next = prev && prev.getTime() >= now.getTime() ? new Date(prev.getTime() + 1) : now;
    const [claimed] = await M.InboxAgent.update(
      { lastAssignedAt: next },
      { where: { id: pick.id, lastAssignedAt: prev ?? null }, transaction },
    );
    if (claimed !== 1) throw new Contended();
    const [given] = await M.Conversation.update(
      { assigneeUserId: pick.userId },
      { where: { id: conv.id, assigneeUserId: null, status: { [Op.in]: [...ACTIVE_STATUSES] } }, transaction },
    );
    if (given !== 1) throw new Contended();
    return pick.userId;
  }
}

/** A deadlock victim (MySQL) or a busy snapshot (SQLite): the whole transaction may run again. */
function isLockConflict(err: unknown): boolean {
  const e = err as { parent?: { code?: string; errno?: number }; original?: { code?: string }; message?: string };
  const code = e?.parent?.code ?? e?.original?.code ?? '';
  return (
    code === 'ER_LOCK_DEADLOCK' ||
    code === 'ER_LOCK_WAIT_TIMEOUT' ||
    code.startsWith('SQLITE_BUSY') ||
    /SQLITE_BUSY|Deadlock found/.test(e?.message ?? '')
  );
}
