import type { Tracer } from '@opentelemetry/api';
import { entryChain } from '../pipeline.js';
import type { RequestContext } from '../request-context.js';
import type { Step, StepResult } from '../step.js';
import { RequestTrace } from './request-trace.js';

/**
 * Tracing as chains of wrapped steps, decided when the gateway starts: with tracing on, every chain
 * is compiled from wrappers that open a span around their step; with it off, the chains are the
 * plain steps and a request makes no span, context or closure. Each step has one wrapper, made
 * once and shared by every chain, so a wrapped chain keeps each step's place (the version step
 * swaps chains mid-request by index).
 */
export class ChainTracing {
  private readonly wrappers = new Map<Step, Step>();
  /** The entry chain (match, then record for what matches nothing), wrapped. */
  readonly entryChain: readonly Step[];

  constructor(private readonly tracer: Tracer) {
    this.entryChain = this.chain(entryChain);
  }

  /** `steps`, each in its wrapper. */
  chain(steps: readonly Step[]): readonly Step[] {
    return steps.map((step) => this.wrapper(step));
  }

  /** A request arrives: its trace starts, and it runs the wrapped entry chain. */
  begin(ctx: RequestContext): void {
    ctx.trace = new RequestTrace(this.tracer, ctx);
    ctx.chain = this.entryChain;
  }

  private wrapper(step: Step): Step {
    let wrapped = this.wrappers.get(step);
    if (wrapped === undefined) {
      wrapped = step.always ? closing(step) : spanned(step);
      this.wrappers.set(step, wrapped);
    }
    return wrapped;
  }
}

/** A step in a span of its own; one that answers 'pending' keeps it open until the next step starts. */
function spanned(step: Step): Step {
  return {
    name: step.name,
    always: false,
    enabledFor: (api) => step.enabledFor(api),
    handle(ctx: RequestContext): StepResult {
      const trace = ctx.trace;
      if (trace === null) return step.handle(ctx);
      trace.endWaiting(ctx);
      if (!trace.recording) return step.handle(ctx);
      const span = trace.startStep(step.name, ctx);
      let result: StepResult;
      try {
        result = step.handle(ctx);
      } catch (error) {
        trace.crashed(ctx, error);
        throw error;
      }
      if (result.kind !== 'pending') trace.endStep(span, result, ctx);
      return result;
    },
  };
}

/**
 * An `always` step (record), which runs once the request is answered: no span of its own; after
 * the last of them the request's span ends.
 */
function closing(step: Step): Step {
  return {
    name: step.name,
    always: true,
    enabledFor: (api) => step.enabledFor(api),
    handle(ctx: RequestContext): StepResult {
      const trace = ctx.trace;
      if (trace === null) return step.handle(ctx);
      trace.endWaiting(ctx);
      const result = step.handle(ctx);
      if (ctx.index === ctx.chain.length - 1) trace.finish(ctx);
      return result;
    },
  };
}
