// The world map's viewport, sized by its frame: CSS decides the frame's size (phone to desktop);
// the map takes it at first and keeps its centre when the frame is resized.
import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { resized, worldView, type Viewport } from './map-viewport';

export function useFrameViewport(frame: RefObject<HTMLElement | null>) {
  const [view, setView] = useState<Viewport>();
  useEffect(() => {
    const el = frame.current;
    if (!el) return;
    const measure = () => {
      const width = Math.round(el.clientWidth);
      const height = Math.round(el.clientHeight);
      if (width > 0 && height > 0) setView((v) => (v ? resized(v, width, height) : worldView(width, height)));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [view, setView] as const;
}
