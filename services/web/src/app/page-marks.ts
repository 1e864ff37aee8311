// What the end-to-end tests and `tools/onair bench join` read of a page: data-* attributes on
// <body> (state, nodeId, broadcastId, errorCode, and endReason as data-end-reason, e.g.
// taken_down). They are a contract with those tools; the screen shows the same facts in words.

type Mark = 'state' | 'nodeId' | 'broadcastId' | 'errorCode' | 'endReason';

export function markPage(marks: Partial<Record<Mark, string | undefined>>): void {
  for (const [name, value] of Object.entries(marks)) {
    if (value === undefined) delete document.body.dataset[name];
    else document.body.dataset[name] = value;
  }
}

/** A page leaving the screen takes its marks with it; the next page starts idle. */
export function clearPageMarks(): void {
  markPage({ nodeId: undefined, broadcastId: undefined, errorCode: undefined, endReason: undefined, state: 'idle' });
}
