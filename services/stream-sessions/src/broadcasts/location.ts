export type LocationPrecision = 'neighbourhood' | 'city' | 'region';

/** Decimal places of a degree kept per precision: 0.01° ≈ 1 km, 0.1° ≈ 10 km, 1° ≈ 100 km. */
const DECIMALS: Record<LocationPrecision, number> = { neighbourhood: 2, city: 1, region: 0 };

export interface RoundedLocation {
  latitude: number;
  longitude: number;
  precision: LocationPrecision;
}

/**
 * Rounds a position to the precision the broadcaster chose. This is the only form in which a
 * location is stored or published: the exact coordinates never leave the request.
 */
export function roundLocation(latitude: number, longitude: number, precision: LocationPrecision): RoundedLocation {
  const factor = 10 ** DECIMALS[precision];
  const round = (v: number) => Math.round(v * factor) / factor + 0; // + 0 turns -0 into 0
  let lon = round(longitude);
  if (lon === -180) lon = 180;
  return { latitude: round(latitude), longitude: lon, precision };
}
