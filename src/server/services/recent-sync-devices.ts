// Which sync batches count as alone (routes/sync.ts). A batch alone is prepared inline and
// written at once (nothing to overlap with: a worker round trip and an event-loop turn would
// only add latency); otherwise the workers prepare batches while the main thread writes others,
// and the batches ready together are committed together (sync-ingest.ts, group commit).

/**
 * A batch is alone when its device is the only one seen within the window AND none of that
 * device's own requests overlapped within it. The second part is for a phone keeping batches in
 * flight (CLIENT_MAX_BATCHES_IN_FLIGHT): its next batch arrives before the answer to the last,
 * and should be checked in a worker while that one is written, as a team's batches are.
 *
 * The overlap is kept for the window, not judged per request: a lone batch, prepared inline
 * and written at once, never yields to the event loop from its handler's start to its answer,
 * and its response has closed before the server reads the next request (seen on a real socket
 * and through app.inject alike). So a phone's second request is seen open beside the first only
 * when both arrive together: at the start of a sync, or while the first's body still comes in
 * over a slow link (requests 15 ms apart on loopback went inline, one after the other, until
 * two happened to arrive together). From then on its batches go to the workers, the handler
 * waits for them, and its requests do overlap: the mark renews itself while batches stay in flight.
 */
export class RecentSyncDevices {
  private readonly lastSeen = new Map<string, number>();
  private readonly open = new Map<string, number>();
  private readonly overlapSeen = new Map<string, number>();

  constructor(private readonly windowMs = 1000) {}

  /**
   * A request of this device has begun (authenticated). Returns the function that ends it,
   * which counts once however often it is called.
   */
  opened(deviceId: string, now = Date.now()): () => void {
    const count = (this.open.get(deviceId) ?? 0) + 1;
    this.open.set(deviceId, count);
    if (count > 1) this.overlapSeen.set(deviceId, now);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.open.get(deviceId) ?? 0) - 1;
      if (left > 0) this.open.set(deviceId, left);
      else this.open.delete(deviceId);
    };
  }

  /** Requests of this device begun and not ended. */
  openRequests(deviceId: string): number {
    return this.open.get(deviceId) ?? 0;
  }

  /** Notes a batch of this device now; whether it is alone (see the class). */
  alone(deviceId: string, now = Date.now()): boolean {
    this.lastSeen.set(deviceId, now);
    if (this.openRequests(deviceId) > 1) this.overlapSeen.set(deviceId, now);
    for (const marks of [this.lastSeen, this.overlapSeen]) {
      for (const [id, at] of marks) if (now - at > this.windowMs) marks.delete(id);
    }
    return this.lastSeen.size === 1 && !this.overlapSeen.has(deviceId);
  }
}
