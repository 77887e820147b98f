import { TextLine } from './framer';

/** The application behind the predefined commands: a packet in, zero or more responses out. */
export type OnelineApp = (packet: string) => string[];

/** What the server does after answering a packet. */
export type OnelineAction = 'continue' | 'disconnect' | 'shutdown';

export interface OnelineStep {
  responses: string[];
  action: OnelineAction;
}

const CONTINUE_SILENT: OnelineStep = { responses: [], action: 'continue' };

/**
 * The protocol's rules for one packet (spec section 1), shared by the reference
 * server and by the differential fuzzer that predicts what any server must answer.
 */
export function handlePacket(packet: TextLine, app: OnelineApp): OnelineStep {
  if (typeof packet !== 'string') return { responses: ['invalid'], action: 'continue' };
  switch (packet) {
    case 'ping':
      return { responses: ['pong'], action: 'continue' };
    case 'disconnect':
      return { responses: [], action: 'disconnect' };
    case 'shutdown':
      return { responses: [], action: 'shutdown' };
    default:
      return { responses: app(packet), action: 'continue' };
  }
}

/** Largest N that `multi N` accepts. */
export const MULTI_MAX = 100;

/** The reference application: echo, multi, silent, and nak for anything else. */
export const referenceApp: OnelineApp = (packet) => {
  if (packet === '' || packet === 'silent') return [];
  if (packet.startsWith('echo ')) return [packet.slice(5)];
  const multi = /^multi (\d{1,3})$/.exec(packet);
  if (multi && Number(multi[1]) <= MULTI_MAX) {
    return Array.from({ length: Number(multi[1]) }, (_, i) => `line ${i + 1}`);
  }
  return [`nak ${packet}`];
};

/** Expected responses for a whole session of packets, up to the first disconnect/shutdown. */
export function expectedSession(packets: TextLine[], app: OnelineApp): OnelineStep {
  const responses: string[] = [];
  for (const packet of packets) {
    const step = handlePacket(packet, app);
    responses.push(...step.responses);
    if (step.action !== 'continue') return { responses, action: step.action };
  }
  return { ...CONTINUE_SILENT, responses };
}
