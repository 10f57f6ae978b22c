// Residents' personal-data requests (issue 12, point 3): the register, and on a registered
// request: search for the person, link the records found, export what is held (JSON, A4 HTML),
// correct a field, erase, withdraw consent. Ward admins of the ward only (a resident's whole
// record and the power to erase it: the controller's designated staff, not every ward_staff
// account; docs/api.md). Every route writes an audit entry with ids, kinds and field paths —
// never a name, phone, CCCD or the search text. Registered by routes/dashboard.ts.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ServerDb } from '../db/connect.js';
import { writeAudit } from '../services/audit.js';
import { dashboardMessage } from '../services/dashboard-messages.js';
import { pickLang, type Lang } from '../services/messages.js';
import {
  collectHeld,
  correctField,
  DataSubjectError,
  eraseSubject,
  normaliseCriteria,
  previewErasure,
  searchPersons,
  subjectIsChild,
  type SubjectRef,
} from '../services/data-subject.js';
import {
  addAction,
  getRequest,
  isLinked,
  listRequests,
  newRequestSchema,
  registerRequest,
  setRecords,
  setStatus,
  statusChangeSchema,
  subjectRefSchema,
  wardToday,
  type DataRequest,
} from '../services/data-subject-requests.js';
import { exportHtml, exportJson } from '../services/data-subject-export.js';
import { DashboardError, requireWardAdmin, requireWardStaff, staff } from './dashboard-access.js';
import { wardConfigOrThrow } from './dashboard-query.js';

export interface DataSubjectRouteOptions {
  db: ServerDb;
}

type WardParams = { code: string };
type RequestParams = { code: string; id: string };

const MESSAGES: Record<Lang, Record<string, string>> = {
  vi: {
    request_not_found: 'Không tìm thấy yêu cầu này trong sổ của phường.',
    record_not_found: 'Không tìm thấy phiếu này trong dữ liệu của phường.',
    member_not_found: 'Không tìm thấy người này trong phiếu hộ.',
    bad_request: 'Yêu cầu không hợp lệ.',
    search_invalid: 'Hãy nhập họ tên (ít nhất 2 chữ cái), số điện thoại 10 số hoặc số CCCD 12 số.',
    not_linked: 'Phiếu này chưa được gắn với yêu cầu: hãy tìm và chọn người trước.',
    wrong_kind: 'Loại yêu cầu không cho phép thao tác này.',
    confirm_required: 'Hãy xác nhận việc xóa.',
    unknown_field: 'Trường này không sửa được.',
    invalid_value: 'Giá trị mới không hợp lệ.',
    no_consent_recorded: 'Phiếu này không có ghi nhận đồng ý.',
    request_closed: 'Yêu cầu đã được trả lời hoặc từ chối.',
    child_needs_guardian: 'Người này dưới 16 tuổi: yêu cầu phải do cha, mẹ hoặc người giám hộ đưa ra (đã kiểm tra giấy tờ).',
  },
  en: {
    request_not_found: "No such request in the ward's register.",
    record_not_found: 'No such record in this ward.',
    member_not_found: 'No such person in this household record.',
    bad_request: 'The request is not valid.',
    search_invalid: 'Enter a name (2 letters at least), a 10-digit phone number or a 12-digit CCCD number.',
    not_linked: 'This record is not linked to the request: search for the person and select them first.',
    wrong_kind: 'This kind of request does not allow this action.',
    confirm_required: 'Confirm the erasure.',
    unknown_field: 'This field cannot be corrected.',
    invalid_value: 'The new value is not valid.',
    no_consent_recorded: 'This record has no consent recorded.',
    request_closed: 'The request was already answered or rejected.',
    child_needs_guardian: "This person is under 16: the request must come from a parent or guardian (whose document was checked).",
  },
};

class RequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly key: string,
    readonly errors: { path: string; code: string }[] = [],
  ) {
    super(key);
  }
}

const searchSchema = z.strictObject({ name: z.string().max(100).optional(), phone: z.string().max(30).optional(), cccd: z.string().max(30).optional() });
const linkSchema = z.strictObject({ records: z.array(subjectRefSchema).max(50) });
const correctSchema = z.strictObject({
  ref: subjectRefSchema,
  field: z.string().min(1).max(40),
  value: z.union([z.string().max(200), z.number().int(), z.null()]),
});
const eraseSchema = z.strictObject({ ref: subjectRefSchema, confirm: z.boolean().optional(), dryRun: z.boolean().optional() });
const withdrawSchema = z.strictObject({ ref: subjectRefSchema, purpose: z.enum(['survey', 'assistance']), confirm: z.boolean().optional(), dryRun: z.boolean().optional() });

function parse<T>(schema: z.ZodType<T>, body: unknown, key = 'bad_request'): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new RequestError(400, 'bad_request', key, r.error.issues.map((i) => ({ path: i.path.join('.'), code: i.message && /^[a-z_]+$/.test(i.message) ? i.message : i.code })));
  return r.data;
}

const refIds = (ref: SubjectRef) => (ref.kind === 'member' ? { recordId: ref.recordId, memberId: ref.memberId } : { recordId: ref.recordId });

export async function dataSubjectRoutes(app: FastifyInstance, options: DataSubjectRouteOptions): Promise<void> {
  const { db } = options.db;
  const guard = { preHandler: [requireWardStaff(options.db), requireWardAdmin] };

  app.setErrorHandler((error: FastifyError | RequestError | DataSubjectError | DashboardError, request, reply) => {
    const lang = pickLang(request.headers['accept-language']);
    if (error instanceof RequestError) {
      return reply.code(error.statusCode).send({ error: { code: error.code, message: MESSAGES[lang][error.key] ?? MESSAGES[lang].bad_request, ...(error.errors.length ? { errors: error.errors } : {}) } });
    }
    if (error instanceof DataSubjectError) {
      return reply.code(error.statusCode).send({ error: { code: error.code, message: MESSAGES[lang][error.reason] ?? MESSAGES[lang].bad_request, ...(error.errors.length ? { errors: error.errors } : {}) } });
    }
    if (error instanceof DashboardError) {
      return reply.code(error.statusCode).send({ error: { code: error.code, message: dashboardMessage(error.messageKey, lang), ...error.extra(lang) } });
    }
    throw error;
  });

  async function requestOf(request: FastifyRequest<{ Params: RequestParams }>): Promise<DataRequest> {
    const found = await getRequest(db, request.params.code, request.params.id);
    if (!found) throw new RequestError(404, 'not_found', 'request_not_found');
    return found;
  }

  /** Linked to the request; a child's record only on a parent's or guardian's request. */
  async function requireLinked(dr: DataRequest, ref: SubjectRef): Promise<void> {
    if (!isLinked(dr, ref)) throw new RequestError(409, 'conflict', 'not_linked');
    if (dr.requester !== 'guardian' && (await subjectIsChild(db, dr.wardCode, ref, wardToday()))) throw new RequestError(409, 'conflict', 'child_needs_guardian');
  }

  function requireOpen(dr: DataRequest): void {
    if (dr.status === 'answered' || dr.status === 'rejected') throw new RequestError(409, 'conflict', 'request_closed');
  }

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/data-requests', guard, async (request) => {
    const who = staff(request);
    const requests = await listRequests(db, request.params.code);
    // The list holds requesters' names (when given): who read the register is recorded.
    await writeAudit(db, who, 'data_subject.view', null, { list: true, count: requests.length });
    return { requests };
  });

  app.post<{ Params: WardParams }>('/api/v1/wards/:code/data-requests', guard, async (request, reply) => {
    const who = staff(request);
    const config = await wardConfigOrThrow(db, request.params.code);
    const input = parse(newRequestSchema, request.body);
    const created = await registerRequest(db, who, config, input);
    await writeAudit(db, who, 'data_subject.request', created.id, { step: 'register', kind: created.kind, requester: created.requester, identityCheck: created.identityCheck, receivedOn: created.receivedOn });
    return reply.code(201).send(created);
  });

  app.get<{ Params: RequestParams }>('/api/v1/wards/:code/data-requests/:id', guard, async (request) => {
    const who = staff(request);
    const dr = await requestOf(request);
    await writeAudit(db, who, 'data_subject.view', dr.id, {});
    return dr;
  });

  app.post<{ Params: RequestParams }>('/api/v1/wards/:code/data-requests/:id/status', guard, async (request) => {
    const who = staff(request);
    const dr = await requestOf(request);
    const change = parse(statusChangeSchema, request.body);
    await setStatus(db, dr, change);
    await writeAudit(db, who, 'data_subject.request', dr.id, { step: 'status', status: change.status, on: change.on ?? null });
    return getRequest(db, request.params.code, dr.id);
  });

  app.post<{ Params: RequestParams }>('/api/v1/wards/:code/data-requests/:id/search', guard, async (request) => {
    const who = staff(request);
    const dr = await requestOf(request);
    const config = await wardConfigOrThrow(db, request.params.code);
    const { criteria, errors } = normaliseCriteria(parse(searchSchema, request.body, 'search_invalid'));
    if (errors.length > 0) throw new RequestError(400, 'bad_request', 'search_invalid', errors);
    const matches = await searchPersons(db, config, criteria, wardToday());
    // What was searched BY (not the text) and which records were returned.
    await writeAudit(db, who, 'data_subject.search', dr.id, {
      by: Object.keys(criteria),
      results: matches.length,
      records: matches.slice(0, 50).map((m) => refIds(m.ref)),
    });
    return { matches };
  });

  app.put<{ Params: RequestParams }>('/api/v1/wards/:code/data-requests/:id/records', guard, async (request) => {
    const who = staff(request);
    const dr = await requestOf(request);
    const { records } = parse(linkSchema, request.body);
    await setRecords(db, dr, records);
    await writeAudit(db, who, 'data_subject.request', dr.id, { step: 'link', records: records.map((r) => ({ kind: r.kind, ...refIds(r) })) });
    return getRequest(db, request.params.code, dr.id);
  });

  async function held(request: FastifyRequest<{ Params: RequestParams }>, format: 'json' | 'html') {
    const who = staff(request);
    const dr = await requestOf(request);
    const config = await wardConfigOrThrow(db, request.params.code);
    for (const ref of dr.records) await requireLinked(dr, ref);
    const items = await collectHeld(db, config, dr.records);
    await writeAudit(db, who, 'data_subject.export', dr.id, { format, records: items.map((i) => i.heldIn) });
    await addAction(db, dr, { action: `export.${format}`, at: new Date().toISOString(), by: who.username, recordIds: items.map((i) => i.heldIn.recordId) });
    return { dr, config, items };
  }

  app.get<{ Params: RequestParams }>('/api/v1/wards/:code/data-requests/:id/export.json', guard, async (request, reply) => {
    const { dr, config, items } = await held(request, 'json');
    reply.header('content-type', 'application/json; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="du-lieu-ca-nhan-${dr.id}.json"`);
    return reply.send(JSON.stringify(exportJson(config, dr, items), null, 2));
  });

  app.get<{ Params: RequestParams; Querystring: { lang?: string } }>('/api/v1/wards/:code/data-requests/:id/export.html', guard, async (request, reply) => {
    const lang: Lang = request.query.lang === 'en' || request.query.lang === 'vi' ? request.query.lang : pickLang(request.headers['accept-language']);
    const { dr, config, items } = await held(request, 'html');
    reply.header('content-type', 'text/html; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="du-lieu-ca-nhan-${dr.id}.html"`);
    return reply.send(exportHtml(config, dr, items, lang));
  });

  app.post<{ Params: RequestParams }>('/api/v1/wards/:code/data-requests/:id/correct', guard, async (request) => {
    const who = staff(request);
    const dr = await requestOf(request);
    if (dr.kind !== 'correction') throw new RequestError(409, 'conflict', 'wrong_kind');
    requireOpen(dr);
    const input = parse(correctSchema, request.body);
    await requireLinked(dr, input.ref);
    const result = await correctField(options.db, who, input.ref, input.field, input.value);
    await writeAudit(db, who, 'data_subject.correct', input.ref.recordId, { request: dr.id, ...refIds(input.ref), rev: result.rev, field: result.field });
    await addAction(db, dr, { action: 'correct', at: new Date().toISOString(), by: who.username, recordIds: [result.recordId], fields: [result.field] });
    return result;
  });

  app.post<{ Params: RequestParams }>('/api/v1/wards/:code/data-requests/:id/erase', guard, async (request) => {
    const who = staff(request);
    const dr = await requestOf(request);
    if (dr.kind !== 'erasure') throw new RequestError(409, 'conflict', 'wrong_kind');
    requireOpen(dr);
    const input = parse(eraseSchema, request.body);
    await requireLinked(dr, input.ref);
    if (input.dryRun) return { preview: await previewErasure(options.db, request.params.code, input.ref, 'erase') };
    if (input.confirm !== true) throw new RequestError(400, 'bad_request', 'confirm_required');
    const summary = await eraseSubject(options.db, who, input.ref, 'erase');
    await writeAudit(db, who, 'data_subject.erase', input.ref.recordId, { request: dr.id, ...refIds(input.ref), ...summary });
    await addAction(db, dr, { action: 'erase', at: new Date().toISOString(), by: who.username, recordIds: summary.changed.map((c) => c.recordId), fields: summary.fields });
    return summary;
  });

  app.post<{ Params: RequestParams }>('/api/v1/wards/:code/data-requests/:id/withdraw-consent', guard, async (request) => {
    const who = staff(request);
    const dr = await requestOf(request);
    if (dr.kind !== 'withdraw_consent') throw new RequestError(409, 'conflict', 'wrong_kind');
    requireOpen(dr);
    const input = parse(withdrawSchema, request.body);
    await requireLinked(dr, input.ref);
    // The survey's consent is the household's (given for all its members); an assistance's is the person's.
    const fits = input.purpose === 'survey' ? input.ref.kind === 'household' : input.ref.kind === 'assistance';
    if (!fits) throw new RequestError(400, 'bad_request', 'bad_request', [{ path: 'ref.kind', code: 'invalid_option' }]);
    if (input.dryRun) return { preview: await previewErasure(options.db, request.params.code, input.ref, 'withdraw') };
    if (input.confirm !== true) throw new RequestError(400, 'bad_request', 'confirm_required');
    const summary = await eraseSubject(options.db, who, input.ref, 'withdraw');
    await writeAudit(db, who, 'data_subject.withdraw_consent', input.ref.recordId, { request: dr.id, purpose: input.purpose, ...refIds(input.ref), ...summary });
    await addAction(db, dr, { action: `withdraw_consent.${input.purpose}`, at: new Date().toISOString(), by: who.username, recordIds: summary.changed.map((c) => c.recordId), fields: summary.fields }, { consentWithdrawn: input.purpose });
    return summary;
  });
}
