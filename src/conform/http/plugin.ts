import http from 'node:http';
import { startHttpServer } from '../../impl/http/server';
import { TargetUnreachableError } from '../errors';
import type { ProtocolPlugin } from '../protocol';
import { FIXTURE_ROOT, prepareHttpRoot } from './fixture';
import { httpProperties } from './properties';

export const httpPlugin: ProtocolPlugin = {
  name: 'http',
  startEmbedded: (root) => startHttpServer({ port: 0, root: root ?? FIXTURE_ROOT }),
  prepareRoot: prepareHttpRoot,
  /** Alive means answering: a GET on a new connection gets a status line (which status is for the cases). */
  probe(endpoint, timeoutMs) {
    return new Promise<void>((resolve, reject) => {
      const req = http.get({ host: endpoint.host, port: endpoint.port, path: '/hello.txt', agent: false, timeout: timeoutMs }, (res) => {
        res.resume();
        resolve();
      });
      req.on('timeout', () => req.destroy(new Error(`no status line within ${timeoutMs} ms`)));
      req.on('error', (err) => reject(new TargetUnreachableError(`GET /hello.txt: ${err.message}`)));
    });
  },
  properties: httpProperties,
};
