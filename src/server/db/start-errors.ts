// One line for an operator when the ward endpoint cannot start: what is wrong and what to do,
// never a stack trace (main.ts prints it and exits non-zero).

interface CodedError {
  code?: unknown;
  message?: unknown;
  path?: unknown;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function describeStartError(error: unknown, dataDir: string): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as CodedError;
  const code = typeof e.code === 'string' ? e.code : '';
  const msg = oneLine(typeof e.message === 'string' ? e.message : String(error));
  const where = typeof e.path === 'string' ? e.path : dataDir;
  switch (code) {
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return `the database file in ${dataDir} is damaged or is not a Gõ Cửa database (${code}: ${msg}); stop here and restore it from the latest backup`;
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return `cannot open the database in ${dataDir} for reading and writing (${code}: ${msg}); check that the folder and its files belong to the user running the server`;
    case 'SQLITE_FULL':
    case 'ENOSPC':
      return `the disk holding ${dataDir} is full (${code}); free some space and start again`;
    case 'SQLITE_IOERR':
      return `the database in ${dataDir} could not be read (${code}: ${msg}); check the disk`;
    case 'EACCES':
    case 'EPERM':
      return `no permission for ${where} (${code}); check that it belongs to the user running the server`;
    case 'EADDRINUSE':
      return `the port is already in use (${msg}); stop the other server or set PORT`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on that address (${msg}); check HOST`;
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
      return `cannot reach the PostgreSQL server of DATABASE_URL (${code}); check that it runs and the URL is right`;
    default:
      return code ? `${msg} (${code})` : msg;
  }
}
