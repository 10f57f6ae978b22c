// POST /api/v1/wards/:code/rescue: ward staff (staff or admin: the same people who enrol and
// revoke the team's phones) upload a rescue file a phone exported when it could not sync
// (services/rescue-import.ts, docs/sync-protocol.md "Rescue files"). The body is the file's
// JSON as the phone wrote it, up to MAX_RESCUE_FILE_BYTES.
import type { FastifyInstance } from 'fastify';
import { MAX_RESCUE_FILE_BYTES } from '../../shared/crypto/rescue-file.js';
import type { ServerDb } from '../db/connect.js';
import { pickLang } from '../services/messages.js';
import { RescueImport, type RescueRefusal } from '../services/rescue-import.js';
import { SyncIngest } from '../services/sync-ingest.js';
import { DashboardError, requireWardStaff, staff } from './dashboard-access.js';

export interface DashboardRescueOptions {
  db: ServerDb;
}

type WardParams = { code: string };

export async function dashboardRescueRoutes(app: FastifyInstance, options: DashboardRescueOptions): Promise<void> {
  const ingest = new SyncIngest(options.db);
  const rescue = new RescueImport(options.db, ingest);
  app.post<{ Params: WardParams }>(
    '/api/v1/wards/:code/rescue',
    { preHandler: requireWardStaff(options.db), bodyLimit: MAX_RESCUE_FILE_BYTES },
    async (request) => {
      const who = staff(request);
      const wardCode = request.params.code;
      const [groups, ages] = await Promise.all([ingest.groups(wardCode), ingest.ages(wardCode)]);
      const lang = pickLang(request.headers['accept-language']);
      const outcome = await rescue.import({
        wardCode,
        file: request.body,
        actor: { ...who, ip: request.ip, userAgent: request.headers['user-agent'] },
        lang,
        context: { groups, ages },
      });
      if (!outcome.ok) throw refusal(outcome.reason);
      return outcome.result;
    },
  );
}

/** A malformed file is 400; a well-formed one refused for what it says (or its signature) is 422. */
function refusal(reason: RescueRefusal): DashboardError {
  if (reason === 'bad_file') return new DashboardError(400, 'bad_request', 'rescue_bad_file');
  return new DashboardError(422, 'rescue_refused', `rescue_${reason}`, () => ({ reason }));
}
