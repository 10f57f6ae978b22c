import { describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';

describe('ward endpoint skeleton', () => {
  it('answers the health check', async () => {
    const app = await buildServer({ staticRoot: 'dist' });
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
    await app.close();
  });
});
