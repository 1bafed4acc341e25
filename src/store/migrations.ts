/**
 * Migrations from older state versions, each turning version N into N + 1. Empty while the format is at its
 * first version; the mechanism is here so the first incompatible change has a place to go.
 */
export type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

export const migrations: Record<number, Migration> = {};
