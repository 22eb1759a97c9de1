import type { Component } from 'svelte';
import type { CellView, NotebookSession } from '../../app/NotebookSession.svelte';
import SqlOutput from './SqlOutput.svelte';
import ConfusionOutput from './ConfusionOutput.svelte';
import AgreementOutput from './AgreementOutput.svelte';
import ProfileOutput from './ProfileOutput.svelte';
import ChecksOutput from './ChecksOutput.svelte';
import DriftOutput from './DriftOutput.svelte';
import SampleOutput from './SampleOutput.svelte';
import ReviewOutput from './ReviewOutput.svelte';
import ChartOutput from './ChartOutput.svelte';
import LabelIssuesOutput from './LabelIssuesOutput.svelte';
import TrendOutput from './TrendOutput.svelte';
import ImagesOutput from './ImagesOutput.svelte';

/** What every output view receives: the cell's state, its session (for drill-downs), its name. */
export interface OutputProps {
  view: CellView;
  session: NotebookSession;
  name: string;
}

/** The output view of each cell kind. A new kind adds its component here. */
export const OUTPUT_VIEWS: Record<string, Component<OutputProps>> = {
  sql: SqlOutput as Component<OutputProps>,
  confusion: ConfusionOutput,
  agreement: AgreementOutput as Component<OutputProps>,
  profile: ProfileOutput,
  checks: ChecksOutput,
  drift: DriftOutput as Component<OutputProps>,
  sample: SampleOutput as Component<OutputProps>,
  review: ReviewOutput,
  chart: ChartOutput as Component<OutputProps>,
  label_issues: LabelIssuesOutput,
  images: ImagesOutput,
  trend: TrendOutput as Component<OutputProps>,
};
