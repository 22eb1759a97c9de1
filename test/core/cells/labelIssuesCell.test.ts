import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { NativeEngine } from '../../../src/engine/native/NativeEngine';
import { labelIssuesSuite } from './labelIssuesSuite';

labelIssuesSuite('DuckDB-WASM under Node', () => NodeEngine.create());
labelIssuesSuite('native DuckDB', () => NativeEngine.create());
