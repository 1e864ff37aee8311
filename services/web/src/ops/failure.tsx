// A failure in words (error-words.ts), with its code: operators quote it when they ask for help.

export function Failure({ failure, id }: { failure?: { words: string; code?: string }; id?: string }) {
  if (!failure) return null;
  return (
    <p id={id} class="error" role="alert" data-error-code={failure.code}>
      {failure.words}
      {failure.code && <code class="error-code"> ({failure.code})</code>}
    </p>
  );
}
