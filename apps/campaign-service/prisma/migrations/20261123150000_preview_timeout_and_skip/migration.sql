-- Manual and preview modes (issue 7): what a preview nobody decided in time becomes is a
-- campaign setting (`pacing.previewTimeoutAction`, before: the dialer's
-- ATS_DIALER_PREVIEW_ON_TIMEOUT, whose default was `dial`), and a skipped preview comes
-- back after `retryRules.skippedDelaySeconds`. Campaigns stored before get what they did then.

UPDATE campaign
   SET settings = jsonb_set(settings, '{pacing,previewTimeoutAction}', '"dial"')
 WHERE settings ? 'pacing' AND NOT (settings -> 'pacing') ? 'previewTimeoutAction';

UPDATE campaign
   SET settings = jsonb_set(settings, '{retryRules,skippedDelaySeconds}', '0')
 WHERE settings ? 'retryRules' AND NOT (settings -> 'retryRules') ? 'skippedDelaySeconds';
