import { useEffect, useState } from 'preact/hooks';

/** "3 h 12 min" until `expiresAt` (whole minutes, rounded down; "less than a minute" at the end). */
export function timeLeftWords(expiresAt: string, now = Date.now()): string {
  const minutes = Math.floor((new Date(expiresAt).getTime() - now) / 60_000);
  if (minutes < 1) return 'less than a minute';
  const h = Math.floor(minutes / 60);
  const min = minutes % 60;
  return h ? `${h} h ${min} min` : `${min} min`;
}

/** The time now, refreshed each minute: what the "Expires in" words are computed from. */
export function useMinuteClock(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
