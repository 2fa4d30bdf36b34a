import { expect } from 'chai';
import { startPlatform } from '../helpers/platform.ts';
import { createTenantGraph, PASSWORD } from '../factories/tenant-graph.ts';

describe('graceful shutdown', () => {
  it('finishes requests already in flight, then refuses new connections', async () => {
    const tp = await startPlatform();
    const g = await createTenantGraph(tp);
    // Sign-ins are slow on purpose (scrypt), so these are still running when stop() begins. Stop
    // begins once the server has received all six: a connection whose request has not arrived yet
    // is idle, and closing idle connections is part of shutting down.
    let received = 0;
    tp.platform.server.on('request', () => received++);
    const inflight = Array.from({ length: 6 }, () =>
      fetch(`${tp.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ email: g.users.agent.email, password: PASSWORD }),
      }).then((r) => r.status),
    );
    for (let waited = 0; received < 6 && waited < 10_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    expect(received).to.equal(6);
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
