import { test } from 'node:test';
import assert from 'node:assert/strict';

import { withTimeout } from '../../src/impl/common/errors';
import { LenmsgClient } from '../../src/impl/lenmsg/client';
import { startLenmsgServer } from '../../src/impl/lenmsg/server';

const CLIENTS = 1000;
const MESSAGES = 100;

test(`${CLIENTS} concurrent clients × ${MESSAGES} messages: all delivered once, in order per client`, async () => {
  const nextSeq = new Map<number, number>(); // connection id → next seq expected
  const clientOf = new Map<number, number>(); // connection id → client index
  const problems: string[] = [];
  let delivered = 0;
  let allDelivered!: () => void;
  const done = new Promise<void>((resolve) => { allDelivered = resolve; });

  const server = await startLenmsgServer({
    onMessage: (message, from) => {
      const { client, seq } = (message as { body: { client: number; seq: number } }).body;
      if ((clientOf.get(from.id) ?? client) !== client) problems.push(`connection ${from.id} carried two clients`);
      clientOf.set(from.id, client);
      const expected = nextSeq.get(from.id) ?? 0;
      if (seq !== expected) problems.push(`client ${client}: got seq ${seq}, expected ${expected}`);
      nextSeq.set(from.id, seq + 1);
      if (++delivered === CLIENTS * MESSAGES) allDelivered();
    },
  });

  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, () => LenmsgClient.connect(server.host, server.port, { timeoutMs: 10_000 })),
  );
  await Promise.all(
    clients.flatMap((client, i) =>
      Array.from({ length: MESSAGES }, (_, seq) => client.send({ type: 'data', body: { client: i, seq } })),
    ),
  );
  await withTimeout(done, 10_000, `${CLIENTS * MESSAGES} deliveries (got ${delivered})`);

  assert.deepEqual(problems, []);
  assert.equal(delivered, CLIENTS * MESSAGES);
  assert.equal(new Set(clientOf.values()).size, CLIENTS, 'every client was heard');
  assert.ok([...nextSeq.values()].every((n) => n === MESSAGES), 'every client delivered all its messages');
  await Promise.all(clients.map((client) => client.close()));
  await server.close();
});
