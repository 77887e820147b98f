import http from 'node:http';
import { get } from '../../impl/http/client';
import { startHttpServer } from '../../impl/http/server';
import { TargetUnreachableError } from '../errors';
import type { ProtocolPlugin } from '../protocol';
import { FIXTURE_ROOT, prepareHttpRoot } from './fixture';
import { httpProperties } from './properties';
import { httpClient } from './client';

export const httpPlugin: ProtocolPlugin = {
  name: 'http',
  startEmbedded: (root) => startHttpServer({ port: 0, root: root ?? FIXTURE_ROOT }),
  prepareRoot: prepareHttpRoot,
  /** Alive means answering: a GET on a new connection gets a status line (which status is for the cases). */
  probe(endpoint, timeoutMs) {
    return new Promise<void>((resolve, reject) => {
      const req = http.get({ host: endpoint.host, port: endpoint.port, path: '/hello.txt', agent: false, timeout: timeoutMs }, (res) => {
        res.destroy(); // the status line is the answer; the body is the cases' to judge
        resolve();
      });
      req.on('timeout', () => req.destroy(new Error(`no status line within ${timeoutMs} ms`)));
      req.on('error', (err) => reject(new TargetUnreachableError(`GET /hello.txt: ${err.message}`)));
    });
  },
  properties: httpProperties,
  client: httpClient,
  casesSideBySide: true,
  faults: {
    /** The reference client's GET of a file the suite's root holds. */
    async clientCall(endpoint, timeoutMs) {
      const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
      const { status } = await get(`http://${host}:${endpoint.port}/hello.txt`, { timeoutMs });
      if (status !== 200) throw new Error(`GET /hello.txt answered ${status}`);
    },
  },
  /** Loaded on first use: only the load profile needs it. */
  get load() {
    return (require('./load') as typeof import('./load')).httpLoad;
  },
};
