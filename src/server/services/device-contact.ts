// What the server keeps about a device's last contact: when it called and how many records were
// waiting in its outbox then (the phone's WAITING_HEADER). For a lost phone the devices screen
// shows that count as what is lost with it. Written at most once a minute per device unless the
// count changes, so a draining phone does not add a write per batch for nothing.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export class DeviceContacts {
  private readonly written = new Map<string, string>();

  constructor(private readonly db: Kysely<Database>) {}

  /** Notes a contact; `waiting` undefined (an older app) keeps the last count known. */
  async note(deviceId: string, waiting: number | undefined, at: string): Promise<void> {
    const key = `${at.slice(0, 16)}#${waiting ?? ''}`;
    if (this.written.get(deviceId) === key) return;
    await this.db
      .updateTable('devices')
      .set(waiting === undefined ? { last_contact_at: at } : { last_contact_at: at, waiting_count: waiting })
      .where('id', '=', deviceId)
      .execute();
    this.written.set(deviceId, key);
  }
}
