import { roundLocation } from './location.js';

describe('roundLocation', () => {
  it('keeps two, one or no decimals for neighbourhood, city and region', () => {
    expect(roundLocation(52.520008, 13.404954, 'neighbourhood')).toEqual({ latitude: 52.52, longitude: 13.4, precision: 'neighbourhood' });
    expect(roundLocation(52.520008, 13.454954, 'city')).toEqual({ latitude: 52.5, longitude: 13.5, precision: 'city' });
    expect(roundLocation(-33.8688, 151.2093, 'region')).toEqual({ latitude: -34, longitude: 151, precision: 'region' });
  });

  it('never answers -0 and folds -180° onto 180°', () => {
    expect(Object.is(roundLocation(-0.001, -0.001, 'neighbourhood').latitude, 0)).toBe(true);
    expect(roundLocation(0, -179.7, 'region').longitude).toBe(180);
    expect(roundLocation(90, 180, 'city')).toMatchObject({ latitude: 90, longitude: 180 });
  });
});
