// Requests an AWS SDK signed (SigV4) that no route serves: boto3's other Bedrock clients pointed at the
// gateway — `boto3.client("bedrock").list_foundation_models()`, ApplyGuardrail, StartAsyncInvoke. The
// generic 404 is an OpenAI body, which botocore shows as "An error occurred (404) when calling the
// ListFoundationModels operation: " with nothing after the colon; this one is an AWS error it can name,
// saying what is served instead. Mounted after every other router, before the 404.
import { Router, type NextFunction, type Request, type Response } from "express";
import { notFound } from "../../shared/errors.ts";
import { writeBedrockError } from "./errors.ts";

const SERVED =
  "The gateway serves the Bedrock Runtime operations InvokeModel, InvokeModelWithResponseStream, " +
  "Converse, ConverseStream and CountTokens (boto3.client('bedrock-runtime'))";

/** Paths of the Bedrock control plane (boto3.client("bedrock")), where the model list lives. */
const CONTROL_PLANE = /^\/(foundation-models|inference-profiles|guardrails|custom-models|model-)/;

const signedByAws = (req: Request): boolean => /^AWS4-HMAC-SHA256\b/.test(req.headers.authorization ?? "");

export function awsUnknownOperationRouter(): Router {
  const router = Router();
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (!signedByAws(req)) return next();
    const hint = CONTROL_PLANE.test(req.path)
      ? "; the Bedrock control plane (boto3.client('bedrock')) is not: GET /v1/models lists the models served, with their capabilities and prices."
      : "; this operation is not one of them.";
    writeBedrockError(res, notFound(`${SERVED}${hint}`, "unknown_operation"));
  });
  return router;
}
