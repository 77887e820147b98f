import path from 'node:path';
import readline from 'node:readline';
import { parseCommand, toNumber } from './args';
import { UsageError } from '../conform/errors';
import { EXIT } from '../conform/verdict';
import { DEFAULT_HOST } from '../impl/common/net';
import { escapeBytes } from '../conform/bytes-text';
import { runAdapter, sendBytes, unknownAction, type Adapter } from '../conform/client/adapter';

type Values = Record<string, string | boolean | undefined>;
type ExtraOptions = Record<string, { type: 'string' | 'boolean'; description: string }>;

/** A reference client the CLI can run. A new protocol adds one entry to CLIENTS. */
interface ClientEntry {
  usage: string;
  options?: ExtraOptions;
  run(values: Values, args: string[]): Promise<number>;
  /** `--driver`: the client behind the driver contract of `conform --client` (src/conform/client/adapter.ts). */
  driver?(values: Values): Promise<Adapter>;
  /** The options that name the suite's server in the `--driver` command `npm run ver` runs (default `--port {port}`). */
  driverPorts?: string;
}

const number = (values: Values, name: string, min = 0) => toNumber(name, values[name] as string | undefined, { min });

/**
 * Runs `step` on each argument in turn or, when there are none, on each line of standard
 * input; stops early when a step returns false.
 */
async function eachInput(args: string[], step: (text: string) => Promise<boolean | void>): Promise<void> {
  const inputs = args.length > 0 ? args : readline.createInterface({ input: process.stdin });
  for await (const text of inputs) if ((await step(text)) === false) break;
}

/** Each line: a command sent, then its responses until the quiet period (or the server closing). */
async function runOneline(values: Values, commands: string[]): Promise<number> {
  const { OnelineClient } = require('../impl/oneline/client') as typeof import('../impl/oneline/client');
  const client = await OnelineClient.connect((values.host as string) ?? DEFAULT_HOST, number(values, 'port', 1) ?? 5005, {
    timeoutMs: number(values, 'timeout', 1) ?? 5000,
  });
  const quietMs = number(values, 'quiet', 1) ?? 200;
  const run = async (command: string): Promise<boolean> => {
    if (command === 'disconnect' || command === 'shutdown') {
      await client[command]();
      console.log(`(${command}: the server closed the connection)`);
      return false;
    }
    for (const line of await client.send(command, { quietMs })) console.log(line);
    return true;
  };
  try {
    await eachInput(commands, run);
  } finally {
    client.close();
  }
  return EXIT.ok;
}

/** The oneline reference client behind the driver contract: `send` is one command and its `expect` responses. */
async function onelineDriver(values: Values): Promise<Adapter> {
  const { OnelineClient } = require('../impl/oneline/client') as typeof import('../impl/oneline/client');
  const { MAX_PACKET } = require('../impl/oneline/framer') as typeof import('../impl/oneline/framer');
  const timeoutMs = number(values, 'timeout', 1) ?? 5000;
  const maxBytes = number(values, 'max-bytes', 1) ?? MAX_PACKET;
  const client = await OnelineClient.connect((values.host as string) ?? DEFAULT_HOST, number(values, 'port', 1) ?? 5005, { timeoutMs, maxLine: maxBytes });
  return {
    ready: { timeoutMs, maxBytes },
    async act(action, deliver) {
      if (action.action === 'close') return client.close();
      const responses = await client.send(sendBytes(action).toString('utf8'), { expect: Number(action.expect ?? 0) });
      for (const line of responses) deliver(Buffer.from(line));
    },
    close: () => client.close(),
  };
}

/** Each body sent as a frame, then the body the server sends back printed (the reference server echoes). */
async function runChannel(values: Values, bodies: string[]): Promise<number> {
  const { connectChannel } = require('../impl/channel/client') as typeof import('../impl/channel/client');
  const channel = await connectChannel((values.host as string) ?? DEFAULT_HOST, number(values, 'port', 1) ?? 5000, {
    timeoutMs: number(values, 'timeout', 1) ?? 5000,
  });
  const run = async (body: string) => {
    await channel.send(body);
    console.log((await channel.recv()).toString('utf8'));
  };
  try {
    await eachInput(bodies, run);
  } finally {
    await channel.close();
  }
  return EXIT.ok;
}

/**
 * The channel reference client behind the driver contract: `send` is one body sent as a frame,
 * then `expect` bodies received; `receive` waits for `expect` bodies. One deadline per action.
 */
async function channelDriver(values: Values): Promise<Adapter> {
  const { connectChannel } = require('../impl/channel/client') as typeof import('../impl/channel/client');
  const { MAX_BODY } = require('../impl/channel/framer') as typeof import('../impl/channel/framer');
  const timeoutMs = number(values, 'timeout', 1) ?? 5000;
  const maxBytes = number(values, 'max-bytes', 1) ?? MAX_BODY;
  const channel = await connectChannel((values.host as string) ?? DEFAULT_HOST, number(values, 'port', 1) ?? 5000, { timeoutMs, maxBody: maxBytes });
  return {
    ready: { timeoutMs, maxBytes },
    async act(action, deliver) {
      if (action.action === 'close') return void channel.close(); // its FIN goes now; the peer's is not the action's to wait for
      const deadline = performance.now() + timeoutMs;
      if (action.action !== 'receive') await channel.send(sendBytes(action), { timeoutMs });
      for (let i = 0; i < Number(action.expect ?? 0); i++) deliver(await channel.recv({ timeoutMs: Math.max(1, deadline - performance.now()) }));
    },
    close: () => void channel.close(),
  };
}

/** The lecture's client: prints the peer address, sends, closes its side, prints what came back. */
async function runEcho(values: Values, words: string[]): Promise<number> {
  const { echoOnce, formatPeer } = require('../impl/echo/client') as typeof import('../impl/echo/client');
  const text = words.length > 0 ? words.join(' ') : 'Hello, world';
  const { received } = await echoOnce((values.host as string) ?? DEFAULT_HOST, number(values, 'port', 1) ?? 50007, text, {
    timeoutMs: number(values, 'timeout', 1) ?? 5000,
    onConnect: (peer) => console.log(`Client connected to: ${formatPeer(peer)}`),
  });
  console.log(`Client received ${pythonRepr(received)}`);
  return EXIT.ok;
}

/** The echo reference client behind the driver contract: `send` is one exchange (send, half-close, echo until the server closes). */
async function echoDriver(values: Values): Promise<Adapter> {
  const { echoOnce } = require('../impl/echo/client') as typeof import('../impl/echo/client');
  const timeoutMs = number(values, 'timeout', 1) ?? 5000;
  const host = (values.host as string) ?? DEFAULT_HOST;
  const port = number(values, 'port', 1) ?? 50007;
  return {
    ready: { timeoutMs },
    async act(action, deliver) {
      if (action.action === 'close') return;
      deliver((await echoOnce(host, port, sendBytes(action), { timeoutMs })).received);
    },
    close: () => undefined,
  };
}

/** Bytes as the lecture's Python prints a string: `'Hello, world'`, or `"it's"` when that needs no escape. */
function pythonRepr(bytes: Buffer): string {
  const text = escapeBytes(bytes);
  if (text.includes("'") && !text.includes('"')) return `"${text}"`;
  return `'${text.replace(/'/g, "\\'")}'`;
}

/**
 * Plays a lenmsg remote: its own server, hello naming it, each body sent as data (JSON
 * when it parses, else a string), and each body the central sends back printed as JSON.
 */
async function runLenmsg(values: Values, bodies: string[]): Promise<number> {
  const { startRemote } = require('../impl/lenmsg/remote') as typeof import('../impl/lenmsg/remote');
  const port = number(values, 'port', 1);
  if (port === undefined) throw new UsageError('client lenmsg needs --port: the central has no default port');
  const remote = await startRemote({
    central: { host: (values.host as string) ?? DEFAULT_HOST, port },
    timeoutMs: number(values, 'timeout', 1) ?? 5000,
    heartbeatIntervalMs: number(values, 'heartbeat-ms', 1),
  });
  const run = async (text: string) => {
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: sent as the string it is
    }
    await remote.send(body);
    console.log(JSON.stringify(await remote.receive()));
  };
  try {
    await eachInput(bodies, run);
  } finally {
    await remote.close();
  }
  return EXIT.ok;
}

/**
 * The reference remote behind the driver contract: `start` starts it (its server, its client
 * to the central at --host/--port, hello) with the central's `heartbeatMs`; `send` sends
 * `body` as data, `send-error` an error named `name` with `message`; `receive` waits for
 * `expect` data bodies (reported as their JSON text); `wait-stop` waits until the remote stops
 * on its own, done with why; `close` stops it.
 */
async function lenmsgDriver(values: Values): Promise<Adapter> {
  const { startRemote } = require('../impl/lenmsg/remote') as typeof import('../impl/lenmsg/remote');
  const { MAX_MESSAGE } = require('../impl/lenmsg/framer') as typeof import('../impl/lenmsg/framer');
  const { withTimeout } = require('../impl/common/errors') as typeof import('../impl/common/errors');
  const port = number(values, 'port', 1);
  if (port === undefined) throw new UsageError('client lenmsg needs --port: the central has no default port');
  const central = { host: (values.host as string) ?? DEFAULT_HOST, port };
  const timeoutMs = number(values, 'timeout', 1) ?? 5000;
  const maxBytes = number(values, 'max-bytes', 1) ?? MAX_MESSAGE;
  let remote: import('../impl/lenmsg/remote').LenmsgRemote | undefined;
  const started = () => {
    if (!remote) throw new Error('the remote is not started (the first action is "start")');
    return remote;
  };
  return {
    ready: { timeoutMs, maxBytes },
    async act(action, deliver) {
      switch (action.action) {
        case 'start':
          remote = await startRemote({ central, timeoutMs, maxMessage: maxBytes, heartbeatIntervalMs: Number(action.heartbeatMs) || undefined });
          return;
        case 'send':
          return started().send(action.body);
        case 'send-error':
          return started().sendError(Object.assign(new Error(String(action.message)), { name: String(action.name) }));
        case 'receive': {
          const deadline = performance.now() + timeoutMs;
          for (let i = 0; i < Number(action.expect ?? 0); i++) {
            deliver(Buffer.from(JSON.stringify(await started().receive({ timeoutMs: Math.max(1, deadline - performance.now()) }))));
          }
          return;
        }
        case 'wait-stop':
          return `stopped: ${(await withTimeout(started().closed, timeoutMs, 'the remote stopping')).message}`;
        case 'close':
          return void (await started().close());
        default:
          throw unknownAction(action);
      }
    },
    close: async () => void (await remote?.close()),
  };
}

/** The terminal client: loads FILE and steps it on n/space/enter; q sends close. */
async function runCobra(values: Values, files: string[]): Promise<number> {
  if (files.length !== 1) throw new UsageError('client cobra takes one FILE or URL: the program to step');
  const { runCobraTui } = require('../impl/cobra/tui') as typeof import('../impl/cobra/tui');
  const { DEFAULT_CONTROL_PORT, DEFAULT_FILE_PORT } = require('../impl/cobra/protocol') as typeof import('../impl/cobra/protocol');
  return runCobraTui({
    file: files[0],
    host: (values.host as string) ?? DEFAULT_HOST,
    filePort: number(values, 'file-port', 1) ?? number(values, 'port', 1) ?? DEFAULT_FILE_PORT,
    controlPort: number(values, 'control-port', 1) ?? DEFAULT_CONTROL_PORT,
    timeoutMs: number(values, 'timeout', 1) ?? 5000,
  });
}

/**
 * The cobra reference client behind the driver contract: `load` sends a path and delivers the
 * file port's answer, then (after `ok`) the program's first status; `next` delivers the
 * output events that came before the status, then the status (or the error reply); `close`
 * sends close and waits for the server to disconnect. Each message is delivered as its JSON.
 */
async function cobraDriver(values: Values): Promise<Adapter> {
  const { CobraClient, DEFAULT_MAX_LINE } = require('../impl/cobra/client') as typeof import('../impl/cobra/client');
  const { DEFAULT_CONTROL_PORT, DEFAULT_FILE_PORT } = require('../impl/cobra/protocol') as typeof import('../impl/cobra/protocol');
  type Message = import('../impl/cobra/protocol').ControlMessage | import('../impl/cobra/protocol').FileReply;
  const timeoutMs = number(values, 'timeout', 1) ?? 5000;
  const maxBytes = number(values, 'max-bytes', 1) ?? DEFAULT_MAX_LINE;
  const output: Message[] = []; // output events received and not yet delivered
  const client = await CobraClient.connect({
    host: (values.host as string) ?? DEFAULT_HOST,
    filePort: number(values, 'file-port', 1) ?? number(values, 'port', 1) ?? DEFAULT_FILE_PORT,
    controlPort: number(values, 'control-port', 1) ?? DEFAULT_CONTROL_PORT,
    timeoutMs,
    maxLine: maxBytes,
    onOutput: (event) => output.push(event),
  });
  const json = (message: Message) => Buffer.from(JSON.stringify(message));
  /** The output that arrived before `message`, in order, then `message`. */
  const deliverAfterOutput = (deliver: (unit: Buffer) => void, message: Message) => {
    for (const event of output.splice(0)) deliver(json(event));
    deliver(json(message));
  };
  return {
    ready: { timeoutMs, maxBytes },
    async act(action, deliver) {
      switch (action.action) {
        case 'load': {
          if (typeof action.path !== 'string') throw new Error('"load" needs a "path"');
          const reply = await client.sendPath(action.path);
          deliver(json(reply));
          if ('ok' in reply) deliverAfterOutput(deliver, await client.waitStatus());
          return;
        }
        case 'next':
          return deliverAfterOutput(deliver, await client.command('next'));
        case 'close':
          return client.close();
        default:
          throw unknownAction(action);
      }
    },
    close: () => client.disconnect(),
  };
}

/** urllib's urlopen(URL).read(): the body to stdout as exact bytes, the status and headers to stderr. */
async function runHttp(values: Values, urls: string[]): Promise<number> {
  const { get } = require('../impl/http/client') as typeof import('../impl/http/client');
  const { STATUS_CODES } = require('node:http') as typeof import('node:http');
  if (urls.length !== 1) throw new UsageError('client http takes one URL');
  const response = await get(urls[0], { timeoutMs: number(values, 'timeout', 1) ?? 5000, maxBytes: number(values, 'max-bytes', 0) });
  const head = [`${response.status} ${STATUS_CODES[response.status] ?? ''}`.trimEnd(), ...Object.entries(response.headers).map(([k, v]) => `${k}: ${v}`)];
  process.stderr.write(`${head.join('\n')}\n\n`);
  await new Promise<void>((resolve, reject) => process.stdout.write(response.body, (err) => (err ? reject(err) : resolve())));
  return response.status >= 400 ? 1 : EXIT.ok; // 1 where urllib raises HTTPError
}

/** The http reference client behind the driver contract: `get` and `head` of a path at the server, one response each. */
async function httpDriver(values: Values): Promise<Adapter> {
  const { get, head } = require('../impl/http/client') as typeof import('../impl/http/client');
  // The suite's assumed maximum: a whole body is one report line, in base64.
  const { DEFAULT_MAX_BODY } = require('../conform/http/client-wire') as typeof import('../conform/http/client-wire');
  const timeoutMs = number(values, 'timeout', 1) ?? 5000;
  const maxBytes = number(values, 'max-bytes', 1) ?? DEFAULT_MAX_BODY;
  const host = (values.host as string) ?? DEFAULT_HOST;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${number(values, 'port', 1) ?? 80}`;
  return {
    ready: { timeoutMs, maxBytes },
    async act(action, deliver) {
      if (action.action === 'close') return; // each call has its own connection
      const call = action.action === 'get' ? get : action.action === 'head' ? head : undefined;
      if (!call || typeof action.path !== 'string') throw unknownAction(action);
      const { status, headers, body } = await call(origin + action.path, { timeoutMs, maxBytes });
      deliver(body, { status, headers });
    },
    close: () => undefined,
  };
}

/**
 * Calls METHOD on the object at URI through the reference proxy, each ARG json (with
 * serpent, else a Python literal; else a string); prints the result as json (with serpent,
 * as a Python literal), or the remote error with its class, args and traceback.
 */
async function runRpc(values: Values, words: string[]): Promise<number> {
  const { createProxy } = require('../impl/rpc/proxy') as typeof import('../impl/rpc/proxy');
  const { decodeJson, encodeJson, RemoteError } = require('../impl/rpc/json') as typeof import('../impl/rpc/json');
  const { decodeSerpent, serpentLiteral } = require('../impl/rpc/serpent') as typeof import('../impl/rpc/serpent');
  const [uri, method, ...args] = words;
  if (!uri || !method) throw new UsageError('client rpc takes a URI and a METHOD (and its arguments)');
  const serializer = rpcSerializer(values);
  const readers = serializer === 'serpent' ? [decodeJson, decodeSerpent] : [decodeJson];
  const argument = (text: string): unknown => {
    for (const read of readers) {
      try {
        return read(Buffer.from(text));
      } catch {
        // the next reader
      }
    }
    return text; // sent as the string it is
  };
  const show = (value: unknown) => (serializer === 'serpent' ? serpentLiteral(value) : encodeJson(value).toString());
  const proxy = createProxy(uri, { timeoutMs: number(values, 'timeout', 1) ?? 5000, serializer });
  try {
    console.log(show(await proxy[method](...args.map(argument))));
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof RemoteError)) throw error;
    console.error(String(error.stack));
    return 1; // the call raised remotely
  } finally {
    await proxy.close();
  }
}

/**
 * The rpc reference proxy behind the driver contract, on `PYRONAME:wireproof.echo@HOST:PORT`:
 * `call` is one call (its `oneway` flag as told); its outcome is one unit, `{"result": VALUE}`
 * or `{"exception": {"class", "args", "traceback"}}` for a remote exception; `close` releases
 * the connection.
 */
async function rpcDriver(values: Values): Promise<Adapter> {
  const { PyroClient } = require('../impl/rpc/proxy') as typeof import('../impl/rpc/proxy');
  const { encodeJson, RemoteError } = require('../impl/rpc/json') as typeof import('../impl/rpc/json');
  const { MAX_MESSAGE_SIZE } = require('../impl/rpc/message') as typeof import('../impl/rpc/message');
  const { ECHO_OBJECT_ID } = require('../impl/rpc/testobject') as typeof import('../impl/rpc/testobject');
  const timeoutMs = number(values, 'timeout', 1) ?? 5000;
  const maxBytes = number(values, 'max-bytes', 1) ?? MAX_MESSAGE_SIZE;
  const client = new PyroClient(`PYRONAME:${ECHO_OBJECT_ID}@${(values.host as string) ?? DEFAULT_HOST}:${number(values, 'port', 1) ?? 9090}`, {
    timeoutMs, maxMessageSize: maxBytes, serializer: rpcSerializer(values),
  });
  return {
    ready: { timeoutMs, maxBytes },
    async act(action, deliver) {
      if (action.action === 'close') return client.close();
      const { method, args = [], kwargs = {}, oneway = false } = action;
      if (action.action !== 'call' || typeof method !== 'string' || !Array.isArray(args) || typeof kwargs !== 'object' || typeof oneway !== 'boolean') {
        throw unknownAction(action);
      }
      try {
        const result = await client.call(method, args, kwargs as Record<string, unknown>, { oneway });
        if (!oneway) deliver(encodeJson({ result }));
      } catch (error) {
        if (!(error instanceof RemoteError)) throw error;
        deliver(encodeJson({ exception: { class: error.pythonClass, args: error.args, traceback: error.remoteTraceback.join('') } }));
      }
    },
    close: () => client.close(),
  };
}

/** --serializer: json (the default) or serpent. */
function rpcSerializer(values: Values): 'json' | 'serpent' {
  const serializer = (values.serializer as string | undefined) ?? 'json';
  if (serializer !== 'json' && serializer !== 'serpent') throw new UsageError(`--serializer must be json or serpent, not "${serializer}"`);
  return serializer;
}

const CLIENTS: Record<string, ClientEntry> = {
  channel: {
    usage: `channel [BODY...]      sends each BODY (or each line of standard input) as a frame and prints the body that comes back
            --port N (default 5000)`,
    run: runChannel,
    driver: channelDriver,
  },
  cobra: {
    usage: `cobra FILE|URL         steps the Python program FILE (or the program at an http URL of a file server over
                           the cobra server's root) on a cobra server: n, space or enter executes one
                           instruction, q closes the server; --file-port N (default 6061)  --control-port N (default 6060)`,
    options: {
      'file-port': { type: 'string', description: "the server's file port" },
      'control-port': { type: 'string', description: "the server's control port" },
    },
    run: runCobra,
    driver: cobraDriver,
    driverPorts: '--file-port {port} --control-port {port2}',
  },
  echo: {
    usage: `echo [TEXT]            connects, prints the server's address, sends TEXT (default "Hello, world"),
                           prints what came back once the server closed (as the lecture's client); --port N (default 50007)`,
    run: runEcho,
    driver: echoDriver,
  },
  http: {
    usage: `http URL               GETs URL: the body's exact bytes to standard output, the status and headers to
                           standard error; exits 1 for a status of 400 or more  --max-bytes N  largest body accepted`,
    options: { 'max-bytes': { type: 'string', description: 'largest body accepted in bytes' } },
    run: runHttp,
    driver: httpDriver,
  },
  lenmsg: {
    usage: `lenmsg [BODY...]       plays a remote: says hello with its own server's address, sends each BODY (or each line
                           of standard input) as data, prints each body the central sends back; --port N (required)
            --heartbeat-ms MS  the central's heartbeat interval (default 1000; silence for 3 intervals stops the remote)`,
    options: { 'heartbeat-ms': { type: 'string', description: "the central's heartbeat interval in ms" } },
    run: runLenmsg,
    driver: lenmsgDriver,
  },
  rpc: {
    usage: `rpc URI METHOD [ARG...]  calls METHOD on the object at URI (PYRO:id@host:port or PYRONAME:name[@host:port])
                           with each ARG as json (else a string); prints the json result, or the remote error and exits 1
            --serializer json|serpent (default json; serpent is Pyro4's default): with serpent an ARG may also be
                           a Python literal such as (1, 2), and the result prints as a Python literal`,
    options: { serializer: { type: 'string', description: 'json or serpent' } },
    run: runRpc,
    driver: rpcDriver,
  },
  oneline: {
    usage: `oneline [COMMAND...]   sends each COMMAND (or each line of standard input) and prints the responses
            --port N (default 5005)  --quiet MS  how long without a response ends one command's responses (default 200)`,
    options: { quiet: { type: 'string', description: 'quiet period in ms' } },
    run: runOneline,
    driver: onelineDriver,
  },
};

function help(): string {
  return [
    'wireproof client NAME [options] [ARGS...]: run a reference client',
    '',
    ...Object.values(CLIENTS).map((c) => `  ${c.usage}`),
    '',
    '  common options: --host H (default 127.0.0.1)  --port N  --timeout MS (default 5000)',
    `  --driver               the client behind the driver contract of \`conform --client\` (JSON lines on standard
                           input and output; README, "Verifying a client"): ${Object.keys(CLIENTS).filter((n) => CLIENTS[n].driver).join(', ')}
                           (--max-bytes N: oneline's largest response line, default 65536; channel's largest
                           body and lenmsg's largest message, default 16777216; http's largest body, default
                           1048576, as a whole body is one report line; cobra's longest line, default 4194304;
                           rpc's largest reply message, default 4194304, --serializer json|serpent (it calls
                           PYRONAME:wireproof.echo@HOST:PORT).
                           cobra: --file-port N --control-port N)`,
  ].join('\n');
}

/** The command that runs a protocol's reference client through `conform --client` (npm run ver). */
export function referenceClientCommand(protocol: string, timeoutMs: number): string | undefined {
  if (!CLIENTS[protocol]?.driver) return undefined;
  const { PROJECT_ROOT } = require('../conform/srs') as typeof import('../conform/srs');
  const { shellQuote } = require('../conform/bytes-text') as typeof import('../conform/bytes-text');
  const bin = path.join(PROJECT_ROOT, 'bin', 'wireproof.js');
  return `node ${shellQuote(bin)} client ${protocol} --driver --host {host} ${CLIENTS[protocol].driverPorts ?? '--port {port}'} --timeout ${Math.round(timeoutMs)}`;
}

export async function clientCommand(args: string[]): Promise<number> {
  const extra = Object.assign({}, ...Object.values(CLIENTS).map((c) => c.options ?? {})) as ExtraOptions;
  const { values, positionals } = parseCommand(
    args,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      timeout: { type: 'string' },
      driver: { type: 'boolean' },
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, { type: v.type }])),
    },
    true,
  );
  if (values.help) {
    console.log(help());
    return EXIT.ok;
  }
  const [name, ...rest] = positionals;
  const entry = name ? CLIENTS[name] : undefined;
  if (!entry) throw new UsageError(name ? `no reference client "${name}" (known: ${Object.keys(CLIENTS).join(', ')})` : 'client takes a protocol name');
  if (values.driver) {
    if (!entry.driver) throw new UsageError(`client ${name} has no --driver mode yet`);
    if (rest.length) throw new UsageError('--driver takes its actions on standard input, not as arguments');
    return runAdapter(await entry.driver(values as Values));
  }
  return entry.run(values as Values, rest);
}
