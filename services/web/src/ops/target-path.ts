// Where the console shows a reported target: a broadcast on its own detail page (with the
// preview and the takedown), an account or a chat message on the target page.
export function targetPath(targetType: string, targetId: string): string {
  return targetType === 'broadcast' ? `/ops/broadcasts/${targetId}` : `/ops/targets/${targetType}/${targetId}`;
}
