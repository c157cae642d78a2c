import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface FakeNameServer {
  /** `127.0.0.1:port`, for a resolver's server list. */
  address: string;
  /** Questions received, as `name TYPE` (`A`, `AAAA`, or the number). */
  questions: string[];
  close(): Promise<void>;
}

/**
 * A name server on loopback UDP for tests: answers A queries for `records` (TTL `ttlSeconds`), an
 * empty NOERROR for their other types, NXDOMAIN for unknown names, and never answers names that
 * match `silent` (a name server that is down or drops queries).
 */
export async function startFakeNameServer(options: {
  records: Record<string, string[]>;
  silent?: RegExp;
  ttlSeconds?: number;
}): Promise<FakeNameServer> {
  const socket = createSocket('udp4');
  const questions: string[] = [];
  socket.on('message', (query, peer) => {
    const labels: string[] = [];
    let offset = 12;
    while (offset < query.length && query[offset] !== 0) {
      const length = query[offset] as number;
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
      offset += length + 1;
    }
    const questionEnd = offset + 5;
    const type = query.readUInt16BE(offset + 1);
    const name = labels.join('.').toLowerCase();
    questions.push(`${name} ${type === 1 ? 'A' : type === 28 ? 'AAAA' : type}`);
    if (options.silent?.test(name)) return;
    const known = options.records[name];
    const answers = type === 1 && known ? known : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2);
    header.writeUInt16BE(0x8180 | (known ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const records = answers.map((ip) => {
      const record = Buffer.alloc(16);
      record.writeUInt16BE(0xc00c, 0);
      record.writeUInt16BE(1, 2);
      record.writeUInt16BE(1, 4);
      record.writeUInt32BE(options.ttlSeconds ?? 300, 6);
      record.writeUInt16BE(4, 10);
      for (const [i, octet] of ip.split('.').entries()) record.writeUInt8(Number(octet), 12 + i);
      return record;
    });
    socket.send(Buffer.concat([header, query.subarray(12, questionEnd), ...records]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(socket.address() as AddressInfo).port}`,
    questions,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
