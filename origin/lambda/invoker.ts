/**
 * @module
 * `LambdaInvoker`: calls the Lambda origin from Node with the AWS SDK — `Invoke` for buffered
 * answers, `InvokeWithResponseStream` for streams — and answers with the origin's HTTP
 * response. API failures become responses a router understands: throttling
 * (`TooManyRequestsException`: the function did not run, so failing over is safe at once) is
 * a 429 carrying the throttle's `retryAfterSeconds`; a function error or other API failure is
 * a 502. The SDK's own retries are off (`maxAttempts: 1`): the router is the only retry loop.
 */
import {
  InvokeCommand,
  InvokeWithResponseStreamCommand,
  LambdaClient,
  type LambdaClientConfig,
  TooManyRequestsException,
} from "@aws-sdk/client-lambda";
import { ApiError } from "../../shared/errors.ts";
import {
  lambdaFailure,
  type LambdaRequest,
  readStreamedResponse,
  responseFromPayload,
} from "../../shared/protocol/lambda-envelope.ts";

export interface LambdaInvokerOptions {
  functionName: string;
  region: string;
  /** Another Invoke API endpoint (a local stand-in in tests); AWS's own when absent. */
  endpoint?: string;
  credentials?: LambdaClientConfig["credentials"];
}

export class LambdaInvoker {
  private readonly client: LambdaClient;
  private readonly functionName: string;

  constructor(o: LambdaInvokerOptions) {
    this.functionName = o.functionName;
    this.client = new LambdaClient({
      region: o.region,
      maxAttempts: 1,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(o.credentials ? { credentials: o.credentials } : {}),
    });
  }

  async invoke(request: LambdaRequest, signal?: AbortSignal): Promise<Response> {
    const payload = new TextEncoder().encode(JSON.stringify(request));
    try {
      if (request.stream) {
        return await this.invokeStream(payload, signal);
      }
      const out = await this.client.send(
        new InvokeCommand({ FunctionName: this.functionName, Payload: payload }),
        signal ? { abortSignal: signal } : {},
      );
      if (out.FunctionError) {
        return lambdaFailure(502, `function_error:${out.FunctionError}`);
      }
      return responseFromPayload(out.Payload ?? new Uint8Array());
    } catch (error) {
      if (error instanceof TooManyRequestsException) {
        const seconds = Number(error.retryAfterSeconds ?? "1");
        return lambdaFailure(
          429,
          `TooManyRequestsException:${error.Reason ?? ""}`,
          Number.isFinite(seconds) && seconds > 0 ? seconds : 1,
        );
      }
      if (signal?.aborted) {
        throw error;
      }
      const name = error instanceof Error ? error.name : "unknown";
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === undefined) {
        // Never reached the API (connection refused, DNS): the caller treats it like any connect error.
        throw new ApiError(502, "upstream_unavailable", "The Lambda API could not be reached.", { cause: error });
      }
      return lambdaFailure(502, name);
    }
  }

  private async invokeStream(payload: Uint8Array, signal?: AbortSignal): Promise<Response> {
    const out = await this.client.send(
      new InvokeWithResponseStreamCommand({ FunctionName: this.functionName, Payload: payload }),
      signal ? { abortSignal: signal } : {},
    );
    const events = out.EventStream;
    if (!events) {
      return lambdaFailure(502, "empty_stream");
    }
    const iterator = events[Symbol.asyncIterator]();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await iterator.next();
          if (done) {
            controller.close();
          } else if (value.PayloadChunk?.Payload) {
            controller.enqueue(value.PayloadChunk.Payload);
          } else if (value.InvokeComplete?.ErrorCode) {
            controller.error(new Error(`Lambda stream ended with ${value.InvokeComplete.ErrorCode}`));
          }
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await iterator.return?.();
      },
    });
    return readStreamedResponse(body);
  }
}
