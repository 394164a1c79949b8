// The dialer's preStop hook. Kubernetes runs it before SIGTERM, inside
// terminationGracePeriodSeconds. It asks the dialer to drain (POST <path>: stop starting
// calls, hand its campaigns over) and waits until GET <path> answers { "liveCalls": 0 }.
// A dialer without the endpoint (404, an error, no answer) ends the hook at once: it then
// drains on SIGTERM, within the same grace period.
// Usage: node dialer-drain.js <path> <pollSeconds>   (port: ATS_HTTP_PORT, as the dialer's)
'use strict';

const [path = '/drain', pollSeconds = '2'] = process.argv.slice(2);
const url = `http://127.0.0.1:${process.env.ATS_HTTP_PORT || '3102'}${path}`;
const pollMs = Math.max(1, Number(pollSeconds) || 2) * 1000;
const log = (message) => process.stdout.write(`dialer-drain: ${message}\n`);

async function request(method) {
  try {
    return await fetch(url, { method, signal: AbortSignal.timeout(5000) });
  } catch {
    return undefined;
  }
}

async function main() {
  const asked = await request('POST');
  if (!asked || !asked.ok) {
    log(`POST ${path}: ${asked ? asked.status : 'no answer'}; leaving the drain to SIGTERM`);
    return;
  }
  for (;;) {
    const answer = await request('GET');
    if (!answer || !answer.ok) {
      log(`GET ${path}: ${answer ? answer.status : 'no answer'}; leaving the rest to SIGTERM`);
      return;
    }
    const body = await answer.json().catch(() => ({}));
    const live = Number(body.liveCalls);
    if (!(live > 0)) {
      log('no live call left');
      return;
    }
    log(`${live} live call(s): waiting`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

main().then(() => process.exit(0));
