import { describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { sqliteBackend } from '../helpers/server-db.js';

describe('ward endpoint skeleton', () => {
  it('answers the health check', async () => {
    const opened = await sqliteBackend.open();
    const app = await buildServer({ db: opened.server, staticRoot: 'dist' });
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', db: 'sqlite', lastBackup: null });
    await app.close();
    await opened.cleanup();
  });
});
