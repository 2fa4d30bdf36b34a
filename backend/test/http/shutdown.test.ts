import { expect } from 'chai';
import { startPlatform } from '../helpers/platform.ts';
import { createTenantGraph, PASSWORD } from '../factories/tenant-graph.ts';

describe('graceful shutdown', () => {
  it('finishes requests already in flight, then refuses new connections', async () => {
    const tp = await startPlatform();
    const g = await createTenantGraph(tp);
    // Sign-ins are slow on purpose (scrypt), so these are still running when stop() begins.
    const inflight = Array.from({ length: 6 }, () =>
      fetch(`${tp.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ email: g.users.agent.email, password: PASSWORD }),
      }).then((r) => r.status),
    );
    await new Promise((r) => setTimeout(r, 20));
    const stopping = tp.platform.stop();
    const statuses = await Promise.all(inflight);
    await stopping;
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 200]);
    let refused = false;
    try {
      await fetch(`${tp.url}/healthz`);
    } catch {
      refused = true;
    }
    expect(refused).to.equal(true);
    await tp.db.cleanup();
  });
});
