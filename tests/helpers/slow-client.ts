// Raw TCP clients for timeout tests: a slow-loris that trickles bytes, and an honest client
// that sends a body at a given rate. Each resolves with how long the socket stayed open.
import { connect, type Socket } from 'node:net';

export interface Trickle {
  /** Milliseconds from connect until the server closed the socket (or null if it never did). */
  closedAfter: Promise<number | null>;
  /** What the server answered, if anything. */
  answer(): string;
  socket: Socket;
}

/** Sends `head` then `rest` one byte every `everyMs`, stopping after `maxMs`. */
export function trickle(port: number, head: string, rest: string, everyMs: number, maxMs: number): Trickle {
  const socket = connect(port, '127.0.0.1');
  const started = performance.now();
  let answer = '';
  let i = 0;
  let timer: NodeJS.Timeout | undefined;
  socket.on('data', (c: Buffer) => (answer += c.toString('latin1')));
  socket.on('error', () => {});
  socket.once('connect', () => {
    socket.write(head);
    timer = setInterval(() => {
      if (i < rest.length && !socket.destroyed) socket.write(rest[i++]!);
    }, everyMs);
  });
  const closedAfter = new Promise<number | null>((resolve) => {
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      resolve(null);
    }, maxMs);
    socket.once('close', () => {
      clearTimeout(giveUp);
      clearInterval(timer);
      resolve(Math.round(performance.now() - started));
    });
  });
  return { closedAfter, answer: () => answer, socket };
}

/** Sends a whole request (with `Connection: close`), its body in `chunks` pieces spread evenly over `overMs`; resolves with the answer. */
export function slowUpload(port: number, head: string, body: Buffer, chunks: number, overMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.once('connect', () => {
      socket.write(head);
      const size = Math.ceil(body.length / chunks);
      let sent = 0;
      const step = () => {
        socket.write(body.subarray(sent, sent + size));
        sent += size;
        // No half-close after the last byte: Node's server aborts a request whose client ends
        // its side; the answer comes with `Connection: close`, and the server closes.
        if (sent < body.length) setTimeout(step, overMs / chunks);
      };
      step();
    });
  });
}
