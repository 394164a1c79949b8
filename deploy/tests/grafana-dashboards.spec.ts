import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './chart-files';

/**
 * The dashboards' shape, checked without Grafana: each is importable anywhere (the data
 * source is the `DS_PROMETHEUS` input and variable, never a fixed uid), panels have unique
 * ids, every query names its data source and has an expression. That every queried metric
 * exists is checked against the running services in apps/e2e (observability-metrics).
 */
const dir = join(workspaceRoot, 'deploy/grafana');
const DS = '${DS_PROMETHEUS}';

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Array<{ expr?: string; refId: string; datasource?: { uid: string } }>;
}
interface Dashboard {
  uid: string;
  title: string;
  __inputs: Array<{ name: string; type: string; pluginId: string }>;
  templating: { list: Array<{ name: string; type: string; query?: unknown; datasource?: { uid: string } }> };
  panels: Panel[];
}

const dashboards = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, board: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Dashboard }));

it('has the supervisor, agent and system dashboards, with distinct uids', () => {
  expect(dashboards.map((d) => d.file).sort()).toEqual(['agents.json', 'campaigns.json', 'system.json']);
  expect(new Set(dashboards.map((d) => d.board.uid)).size).toBe(3);
});

describe.each(dashboards.map((d) => [d.file, d.board] as const))('%s', (_file, board) => {
  it('takes its Prometheus as the DS_PROMETHEUS input and variable', () => {
    expect(board.__inputs).toEqual([
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }),
    ]);
    expect(board.templating.list[0]).toMatchObject({
      name: 'DS_PROMETHEUS',
      type: 'datasource',
      query: 'prometheus',
    });
    for (const v of board.templating.list.slice(1)) expect(v.datasource?.uid).toBe(DS);
  });

  it('queries only through that data source, every target with an expression', () => {
    for (const panel of board.panels) {
      expect([panel.title, panel.datasource?.uid]).toEqual([panel.title, DS]);
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const t of panel.targets ?? []) {
        expect(t.datasource?.uid).toBe(DS);
        expect(t.expr?.trim()).toBeTruthy();
      }
      expect(new Set(panel.targets?.map((t) => t.refId)).size).toBe(panel.targets?.length);
    }
  });

  it('has unique panel ids and panels inside the 24-column grid', () => {
    expect(new Set(board.panels.map((p) => p.id)).size).toBe(board.panels.length);
    for (const p of board.panels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
  });
});

it('lets the supervisor pick campaigns, and filters every campaign panel by them', () => {
  const board = dashboards.find((d) => d.file === 'campaigns.json')!.board;
  expect(board.templating.list.map((v) => v.name)).toContain('campaign');
  const perCampaign = board.panels
    .flatMap((p) => p.targets ?? [])
    .filter((t) => t.expr?.includes('campaign_id'));
  expect(perCampaign.length).toBeGreaterThan(5);
  for (const t of perCampaign) expect(t.expr).toContain('campaign_id=~"$campaign"');
});

describe('the chart (grafana.dashboards)', () => {
  const chartCopy = join(workspaceRoot, 'deploy/helm/autotelesale/files/grafana');

  it('ships the dashboards byte for byte (files/grafana)', () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(readdirSync(chartCopy).sort()).toEqual(files);
    // Fix: cp deploy/grafana/*.json deploy/helm/autotelesale/files/grafana/
    expect(files.filter((f) => !readFileSync(join(dir, f)).equals(readFileSync(join(chartCopy, f))))).toEqual(
      [],
    );
  });

  it('puts every shipped dashboard in the ConfigMap, only when enabled, with the sidecar label', () => {
    const template = readFileSync(
      join(workspaceRoot, 'deploy/helm/autotelesale/templates/grafana-dashboards-configmap.yaml'),
      'utf8',
    );
    expect(template).toMatch(/^\{\{- if \.Values\.grafana\.dashboards\.enabled \}\}$/m);
    expect(template).toContain('.Files.Glob "files/grafana/*.json"');
    expect(template).toContain('.Values.grafana.dashboards.labels');
  });
});
