// What the go-live form chooses besides the title: topics, a shared location (off unless the
// person turns it on) and who may watch. Checked against the API's own limits before sending.
import { signal } from '@preact/signals';
import { MAX_TOPICS, TOPIC_PATTERN, type BroadcastDraft, type LocationPrecision, type Visibility } from '../broadcasts/broadcasts.api';
import { apiAsSignedIn } from '../session/session';

export interface OwnCircle {
  id: string;
  name: string;
  memberCount: number;
}

export const PRECISIONS: Array<{ value: LocationPrecision; label: string }> = [
  { value: 'city', label: 'City (about 10 km)' },
  { value: 'neighbourhood', label: 'Neighbourhood (about 1 km)' },
  { value: 'region', label: 'Region (about 100 km)' },
];

export class BroadcastOptions {
  readonly topics = signal<string[]>([]);
  readonly topicProblem = signal('');
  readonly shareLocation = signal(false);
  readonly precision = signal<LocationPrecision>('city');
  readonly position = signal<{ latitude: number; longitude: number } | undefined>(undefined);
  readonly locationStatus = signal('');
  readonly visibility = signal<Visibility>('public');
  readonly circles = signal<OwnCircle[]>([]);

  /** The person's circles, for "a circle" as the audience (GET /v1/graph/circles). */
  async loadCircles(): Promise<void> {
    try {
      this.circles.value = (await apiAsSignedIn<{ items: OwnCircle[] }>('GET', '/v1/graph/circles')).items;
    } catch {
      // Without them the form still offers public and followers.
      this.circles.value = [];
    }
  }

  /** Adds a topic as the API will store it (trimmed, lower case, once); false when refused. */
  addTopic(raw: string): boolean {
    const topic = raw.trim().replace(/^#/, '').toLowerCase();
    if (!topic) return false;
    if (!TOPIC_PATTERN.test(topic)) return this.refuseTopic('A topic is letters, digits, _ or -, at most 32.');
    if (this.topics.value.includes(topic)) return true;
    if (this.topics.value.length >= MAX_TOPICS) return this.refuseTopic(`At most ${MAX_TOPICS} topics.`);
    this.topics.value = [...this.topics.value, topic];
    this.topicProblem.value = '';
    return true;
  }

  removeTopic(topic: string): void {
    this.topics.value = this.topics.value.filter((t) => t !== topic);
  }

  /** Turning sharing on asks the browser for the position once; turning it off forgets it. */
  setSharing(on: boolean): void {
    this.shareLocation.value = on;
    this.position.value = undefined;
    if (!on) return void (this.locationStatus.value = '');
    if (!('geolocation' in navigator)) return void (this.locationStatus.value = 'This browser cannot tell where you are.');
    this.locationStatus.value = 'Finding where you are…';
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => {
        if (!this.shareLocation.value) return;
        this.position.value = { latitude: coords.latitude, longitude: coords.longitude };
        this.locationStatus.value = 'Your position is shared, rounded to the precision you choose.';
      },
      (err) => {
        this.shareLocation.value = false;
        this.locationStatus.value = err.code === err.PERMISSION_DENIED ? 'OnAir may not use your location: allow it in the browser to share it.' : 'Your position could not be found.';
      },
      { maximumAge: 60_000, timeout: 15_000 },
    );
  }

  /** The broadcast to create; the location only when shared and found. */
  draft(title: string): BroadcastDraft {
    const position = this.shareLocation.value ? this.position.value : undefined;
    return {
      title,
      topics: this.topics.value,
      visibility: this.visibility.value,
      ...(position ? { location: { ...position, precision: this.precision.value } } : {}),
    };
  }

  private refuseTopic(problem: string): false {
    this.topicProblem.value = problem;
    return false;
  }
}
