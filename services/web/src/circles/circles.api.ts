// social-graph's circles (/v1/graph/circles): named groups of your followers, whom a broadcast
// can be limited to. Only the owner sees or changes them.
import { apiAsSignedIn } from '../session/session';

export interface Circle {
  id: string;
  name: string;
  memberCount: number;
  createdAt: string;
}

export interface CircleMember {
  accountId: string;
  addedAt: string;
}

/** social-graph's limit on a circle's name (circle.schemas.ts). */
export const CIRCLE_NAME_MAX = 50;

export const myCircles = () => apiAsSignedIn<{ items: Circle[] }>('GET', '/v1/graph/circles').then((r) => r.items);
export const createCircle = (name: string) => apiAsSignedIn<Circle>('POST', '/v1/graph/circles', { name });
export const renameCircle = (id: string, name: string) => apiAsSignedIn<Circle>('PATCH', `/v1/graph/circles/${id}`, { name });
export const deleteCircle = (id: string) => apiAsSignedIn('DELETE', `/v1/graph/circles/${id}`);

export const circleMembers = (id: string, cursor?: string | null) =>
  apiAsSignedIn<{ items: CircleMember[]; nextCursor: string | null }>(
    'GET',
    `/v1/graph/circles/${id}/members${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
  );
export const addCircleMember = (id: string, accountId: string) => apiAsSignedIn<CircleMember>('PUT', `/v1/graph/circles/${id}/members/${accountId}`);
export const removeCircleMember = (id: string, accountId: string) => apiAsSignedIn('DELETE', `/v1/graph/circles/${id}/members/${accountId}`);
