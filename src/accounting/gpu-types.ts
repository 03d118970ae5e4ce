// The SageMaker notebook instance types a team may rent, exactly as the participant guide lists them
// ("Available GPU Instance Types"). Prices are USD per hour, billed per second of running time.

export interface GpuInstanceType {
  instance_type: string;
  gpu: string | null;
  vram_gb: number | null;
  vcpus: number;
  ram_gb: number;
  usd_per_hour: number;
  best_for: string;
}

export const GPU_INSTANCE_TYPES: readonly GpuInstanceType[] = Object.freeze(
  [
    {
      instance_type: "ml.t3.medium",
      gpu: null,
      vram_gb: null,
      vcpus: 2,
      ram_gb: 4,
      usd_per_hour: 0.05,
      best_for: "Testing, no GPU needed",
    },
    {
      instance_type: "ml.t3.xlarge",
      gpu: null,
      vram_gb: null,
      vcpus: 4,
      ram_gb: 16,
      usd_per_hour: 0.2,
      best_for: "CPU-only workloads",
    },
    {
      instance_type: "ml.g4dn.xlarge",
      gpu: "1x T4",
      vram_gb: 16,
      vcpus: 4,
      ram_gb: 16,
      usd_per_hour: 0.74,
      best_for: "Inference, light training",
    },
    {
      instance_type: "ml.g5.xlarge",
      gpu: "1x A10G",
      vram_gb: 24,
      vcpus: 4,
      ram_gb: 16,
      usd_per_hour: 1.41,
      best_for: "Best price/performance",
    },
    {
      instance_type: "ml.p3.2xlarge",
      gpu: "1x V100",
      vram_gb: 16,
      vcpus: 8,
      ram_gb: 61,
      usd_per_hour: 3.83,
      best_for: "High-end training",
    },
  ].map((t) => Object.freeze(t)),
);

const BY_NAME = new Map(GPU_INSTANCE_TYPES.map((t) => [t.instance_type, t]));

export function findInstanceType(name: string): GpuInstanceType | undefined {
  return BY_NAME.get(name);
}

export const MS_PER_HOUR = 3_600_000;

/**
 * Cost of `ms` milliseconds at `usdPerHour`. Computed from the integer total each time (never summed in
 * small float steps), so one hour of ml.g5.xlarge is exactly 1.41.
 */
export function gpuCost(usdPerHour: number, ms: number): number {
  return (usdPerHour * ms) / MS_PER_HOUR;
}
