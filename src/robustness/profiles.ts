/** Which loads each protocol gets, with its hostile headers and the start of a request a slowloris client sends. */
import { corrupt } from '../conform/rpc/hostile';
import { connectMessage } from '../conform/rpc/wire';
import { lengthHeader } from '../conform/lenmsg/remote';
import { encodeMessage } from '../impl/rpc/message';
import { NAMESERVER_OBJECT_ID } from '../impl/rpc/uri';
import * as malformed from './malformed';
import { cobraLines, echoBatches, lengthClaims, malformedPerConnection, onelineBatches, oversizedLine, slowloris, type Load } from './loads';

/** The fixed counts of the issue; the tests shrink them to prove a check can fail, quickly. */
export interface LoadSizes {
  oversizeBytes: number;
  malformedCount: number;
  idleConnections: number;
}

export const FIXED_SIZES: LoadSizes = { oversizeBytes: 1 << 30, malformedCount: 10_000, idleConnections: 1000 };

/**
 * The warm-up before the first memory reading: the same load at a tenth of its size
 * (a sixteenth of the stream), so that the growth measured is what the full load adds
 * to a server already at work (code compiled, heap and buffer pools at working size),
 * not the one-off cost of starting up. A leak in proportion to the load still shows.
 */
export function warmUpSizes(sizes: LoadSizes): LoadSizes {
  return {
    oversizeBytes: Math.ceil(sizes.oversizeBytes / 16),
    malformedCount: Math.ceil(sizes.malformedCount / 10),
    idleConnections: Math.ceil(sizes.idleConnections / 10),
  };
}

/** A load that does not apply to a protocol, and why. */
export interface NotApplicable {
  name: string;
  reason: string;
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const ONE_CLIENT = 'not applicable (one client at a time: an idle client holds the server by design)';

const channelClaims = ['4294967296', '9999999999', '2147483648', '16777217'].map((n) => ({ what: `MSG ${n}`, bytes: latin1(`\r\nMSG ${n}\r\n`) }));
const lenmsgClaims = [0xffffffff, 0x80000000, 0x40000000, 0x1000001].map((n) => ({ what: `length 0x${n.toString(16)}`, bytes: lengthHeader(n) }));
const rpcClaims = ['0xFFFFFFFF', '0x80000000', '2147483647', '1073741824'].map((n) => {
  const name = `an announced length of ${n}`;
  return { what: name.replace('an announced ', ''), bytes: corrupt(connectMessage(1, NAMESERVER_OBJECT_ID), name) };
});

export function loadsFor(protocol: string, sizes: LoadSizes = FIXED_SIZES): (Load | NotApplicable)[] {
  const { malformedCount: count, idleConnections: idle } = sizes;
  switch (protocol) {
    case 'oneline':
      return [oversizedLine(sizes.oversizeBytes), { name: 'slowloris', reason: ONE_CLIENT }, onelineBatches(malformed.onelinePacket, count)];
    case 'echo':
      return [{ name: 'slowloris', reason: ONE_CLIENT }, echoBatches(malformed.echoInput, count)];
    case 'channel':
      return [lengthClaims(channelClaims), slowloris(latin1('\r\nMSG 1'), idle), malformedPerConnection(malformed.channelInput, count)];
    case 'lenmsg':
      return [lengthClaims(lenmsgClaims), slowloris(Buffer.from([0, 0]), idle), malformedPerConnection(malformed.lenmsgInput, count)];
    case 'rpc':
      return [
        lengthClaims(rpcClaims),
        slowloris(encodeMessage(connectMessage(1, NAMESERVER_OBJECT_ID)).subarray(0, 10), idle),
        malformedPerConnection(malformed.rpcInput, count),
      ];
    case 'http':
      return [slowloris(latin1('GET /hello.txt HTTP/1.1\r\nX-Slow: 1\r\n'), idle), malformedPerConnection(malformed.httpInput, count)];
    case 'cobra':
      // The file port serves many clients (the control port one): the idle clients go there.
      return [slowloris(latin1('wireproof-slow/'), idle), cobraLines(malformed.cobraLine, count)];
    default:
      throw new Error(`no robustness loads for protocol "${protocol}"`);
  }
}
