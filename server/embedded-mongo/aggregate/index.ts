// The aggregation engine: pipeline runner, stages and accumulators (decision 0004).
export { compilePipeline, runPipeline, runOnCollection, userVariableNames, type CompiledPipeline, type CompileOptions } from './pipeline';
export { aggregateView, readNamespace, viewDefinition, type ViewDefinition } from './view';
export { PAUSE, collect, drain, runToEnd, streamOf, isPause, type Pause, type Stream } from './pause';
export type { PipelineContext } from './stage';
