// A port for a server a test starts in another process (the port is chosen here, bound there).
// Chosen below the kernel's ephemeral range, not by listening on port 0: a port 0 listen is
// given an ephemeral port, and between closing it and the child's own listen any outgoing
// connection of the machine (a browser, a database client, the other test process) may take
// the same port as its local address, and the child then fails with EADDRINUSE — seen in CI.
// Ephemeral ports are never handed out below the range, so only another test picking the same
// random port at the same moment could collide; the port is also checked free before use.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const LOWEST = 10_000;

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1000 ? low : 32_768;
  } catch {
    return 32_768; // Linux's default when /proc cannot tell
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  const high = ephemeralLow();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (high - LOWEST));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found between ${LOWEST} and ${high}`);
}
