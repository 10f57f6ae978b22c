import { describe, expect, it } from 'vitest';
import {
  CLIENT_MAX_BATCHES_IN_FLIGHT,
  CLIENT_REQUEST_TIMEOUT_MS,
  clientRequestTimeoutMs,
  maySendAlongside,
  sharedUploadMaxBytes,
} from '../../../src/shared/protocol/sync.js';

describe('batches in flight (the rule the phone and the ingest benchmark share)', () => {
  const limit = sharedUploadMaxBytes();

  it('sends a batch of any size when nothing is in flight', () => {
    expect(maySendAlongside([], 1_000_000)).toBe(true);
  });

  it('keeps at most CLIENT_MAX_BATCHES_IN_FLIGHT in flight', () => {
    const small = 26_000; // 100 households, gzipped
    const inFlight: number[] = [];
    while (maySendAlongside(inFlight, small)) inFlight.push(small);
    expect(inFlight).toHaveLength(CLIENT_MAX_BATCHES_IN_FLIGHT);
    expect(CLIENT_MAX_BATCHES_IN_FLIGHT).toBeGreaterThan(1);
  });

  it('lets nothing join a large body, and a large body join nothing', () => {
    expect(maySendAlongside([limit + 1], 100)).toBe(false);
    expect(maySendAlongside([100], limit + 1)).toBe(false);
    expect(maySendAlongside([limit], limit)).toBe(true);
  });

  it('keeps every shared upload within the phone wait on the slowest link the timeouts assume', () => {
    // 2 bytes per ms split evenly between the uploads in flight, each at the largest size allowed.
    const bytesPerMs = 2 / CLIENT_MAX_BATCHES_IN_FLIGHT;
    expect(limit / bytesPerMs).toBeLessThanOrEqual(clientRequestTimeoutMs(limit));
    expect(limit / bytesPerMs).toBeLessThanOrEqual(CLIENT_REQUEST_TIMEOUT_MS);
    // Scaled as the tests scale the phone's patience.
    expect(sharedUploadMaxBytes(3000)).toBe(2000);
  });
});
