// Where the person is, from the browser (navigator.geolocation), with a refusal in words: the
// position never leaves this page except as /near's lat and lon.

export class LocationRefused extends Error {}

const WORDS: Record<number, string> = {
  1: 'Your browser did not share your location. Allow it for this site to see who is live near you.',
  2: 'Your location could not be found right now.',
  3: 'Finding your location took too long. Try again.',
};

export function locateMe(): Promise<{ lat: number; lon: number }> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) return reject(new LocationRefused('This browser cannot share a location.'));
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude }),
      (err) => reject(new LocationRefused(WORDS[err.code] ?? err.message)),
      // A city's precision is plenty for a 50 km radius, and quicker than a GPS fix.
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 300_000 },
    );
  });
}
