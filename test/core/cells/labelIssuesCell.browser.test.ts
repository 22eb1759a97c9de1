import { WorkerEngine } from '../../../src/engine/browser/WorkerEngine';
import { labelIssuesSuite } from './labelIssuesSuite';

labelIssuesSuite('DuckDB-WASM in a Web Worker (Chromium)', () => WorkerEngine.create());
