// The frame of every /ops page: the console's tabs around the page, but only for an operator.
// Anyone else sees a plain "not available" and the page inside is never mounted, so no operator
// API is called for them (the APIs would answer 403 anyway).
import type { ComponentChildren } from 'preact';
import { currentPath } from '../router/router';
import { isOperator } from '../session/roles';
import { session } from '../session/session';
import { SignInForm } from '../session/sign-in-form';
import './ops.css';

const TABS = [
  { path: '/ops', words: 'Overview', id: 'ops-nav-overview' },
  { path: '/ops/reports', words: 'Report queue', id: 'ops-nav-reports' },
  { path: '/ops/audit', words: 'Audit log', id: 'ops-nav-audit' },
];

export function OpsConsole({ heading, children }: { heading: string; children: ComponentChildren }) {
  if (!session.value) return <SignInForm heading="Sign in to the operators' console" />;
  if (!isOperator()) return <NotAvailable />;
  const path = currentPath.value;
  return (
    <section id="ops-console" class="ops-console">
      <nav class="ops-tabs" aria-label="Operators' console">
        {TABS.map((t) => (
          <a key={t.path} id={t.id} href={t.path} aria-current={path === t.path ? 'page' : undefined}>
            {t.words}
          </a>
        ))}
      </nav>
      <h1>{heading}</h1>
      {children}
    </section>
  );
}

function NotAvailable() {
  return (
    <section id="ops-not-available" class="narrow">
      <h1>Not available</h1>
      <p>
        This part of OnAir is for its operators. <a href="/">See who is live</a>.
      </p>
    </section>
  );
}
