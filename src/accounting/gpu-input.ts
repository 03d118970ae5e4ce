// Validation of `POST /gpu/instances` bodies: hostile JSON in, a known instance type and a SageMaker-valid
// name (or none) out, or a 400 naming the field and listing what is accepted.
import { invalidRequest } from "../shared/errors.ts";
import { GPU_INSTANCE_TYPES, findInstanceType, type GpuInstanceType } from "./gpu-types.ts";

/** SageMaker's notebook-instance name rule: 1–63 letters, digits and hyphens, no leading/trailing hyphen. */
const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const TYPE_NAMES = GPU_INSTANCE_TYPES.map((t) => t.instance_type).join(", ");

export interface CreateInstanceRequest {
  type: GpuInstanceType;
  name: string | undefined;
}

export function parseCreateInstance(input: unknown): CreateInstanceRequest {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw invalidRequest(
      'The body must be a JSON object such as {"instance_type": "ml.t3.medium", "name": "my-notebook"}.',
    );
  }
  const body = input as Record<string, unknown>;
  const unknownField = Object.keys(body).find((k) => k !== "instance_type" && k !== "name");
  if (unknownField !== undefined) {
    throw invalidRequest(
      `Unknown field "${unknownField.slice(0, 64)}". Accepted fields: instance_type, name.`,
      unknownField.slice(0, 64),
      "unknown_parameter",
    );
  }
  const typeName = body.instance_type;
  if (typeof typeName !== "string" || typeName === "") {
    throw invalidRequest(
      `instance_type is required. Valid types: ${TYPE_NAMES}.`,
      "instance_type",
      "missing_required_parameter",
    );
  }
  const type = findInstanceType(typeName);
  if (type === undefined) {
    throw invalidRequest(
      `Unknown instance_type "${typeName.slice(0, 64)}". Valid types: ${TYPE_NAMES}.`,
      "instance_type",
      "invalid_instance_type",
    );
  }
  const name = body.name;
  if (name !== undefined && (typeof name !== "string" || !NAME_PATTERN.test(name))) {
    throw invalidRequest(
      "name must be 1-63 letters, digits and hyphens, starting and ending with a letter or digit (SageMaker's rule).",
      "name",
      "invalid_name",
    );
  }
  return { type, name };
}
