// /ops/targets/:type/:id: a reported account or chat message (broadcasts have their own page):
// the reports about it, dismissing them, and for an account its suspension.
import type { PageProps } from '../router/routes';
import { AccountActions } from './account-actions';
import { OpsConsole } from './ops-console';
import { TargetReports } from './target-reports';
import { useHandles, whoIs } from './use-handles';

export default function ReportTargetPage({ params }: PageProps) {
  const { targetType, targetId } = params;
  return (
    <OpsConsole heading={targetType === 'account' ? 'Account' : 'Chat message'}>
      <div class="ops-detail" data-target-type={targetType} data-target-id={targetId}>
        <TargetReports targetType={targetType} targetId={targetId} />
        {targetType === 'account' && <AccountOf accountId={targetId} />}
      </div>
    </OpsConsole>
  );
}

function AccountOf({ accountId }: { accountId: string }) {
  const handles = useHandles([accountId]);
  const handle = handles[accountId];
  return (
    <div>
      <p>{handle ? <a href={`/u/${handle}`}>{whoIs(handles, accountId)}</a> : <code>{accountId}</code>}</p>
      <AccountActions accountId={accountId} heading="Suspension" />
    </div>
  );
}
