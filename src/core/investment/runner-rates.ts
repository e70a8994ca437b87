/**
 * GitHub's published per-minute prices for its hosted runners: the defaults of
 * `investment.ci.rates`. Data only; `ci.ts` tells a job's runner type from its labels.
 *
 * Source: GitHub Docs, "Actions runner pricing"
 * (https://docs.github.com/en/billing/reference/actions-runner-pricing) and its standard-runner
 * table, in USD per minute, "January 1, 2026 onward"; read on 2026-12-07. The same page lists a
 * $0.002 a minute cloud-platform charge for self-hosted runners (`investment.ci.self-hosted`
 * defaults to 0: set it to count that). Larger runners of 96 cores, GPU runners and arm64 larger
 * runners are left out: give their labels a rate in `investment.ci.labels`.
 */
export const GITHUB_RUNNER_RATES = {
  linux: { rate: 0.006, what: "Linux 2-core (`ubuntu-latest`, `ubuntu-24.04`; SKU `linux`)" },
  "linux-slim": { rate: 0.002, what: "Linux 1-core (`ubuntu-slim`; SKU `linux_slim`)" },
  "linux-arm": {
    rate: 0.005,
    what: "Linux arm64 2-core (`ubuntu-24.04-arm`; SKU `linux_2_core_arm`)",
  },
  windows: { rate: 0.01, what: "Windows 2-core (`windows-latest`; SKU `windows`)" },
  "windows-arm": {
    rate: 0.008,
    what: "Windows arm64 2-core (`windows-11-arm`; SKU `windows_2_core_arm`)",
  },
  macos: { rate: 0.062, what: "macOS 3- or 4-core (`macos-latest`, `macos-14`; SKU `macos`)" },
  "macos-large": { rate: 0.077, what: "macOS 12-core (`macos-latest-large`; SKU `macos_l`)" },
  "macos-xlarge": {
    rate: 0.102,
    what: "macOS 5-core M2 Pro (`macos-latest-xlarge`; SKU `macos_xl`)",
  },
  "linux-4-core": {
    rate: 0.012,
    what: "Linux 4-core larger runner (a label with `4-core`/`4-cores`)",
  },
  "linux-8-core": { rate: 0.022, what: "Linux 8-core larger runner" },
  "linux-16-core": { rate: 0.042, what: "Linux 16-core larger runner" },
  "linux-32-core": { rate: 0.082, what: "Linux 32-core larger runner" },
  "linux-64-core": { rate: 0.162, what: "Linux 64-core larger runner" },
  "windows-4-core": { rate: 0.022, what: "Windows 4-core larger runner" },
  "windows-8-core": { rate: 0.042, what: "Windows 8-core larger runner" },
  "windows-16-core": { rate: 0.082, what: "Windows 16-core larger runner" },
  "windows-32-core": { rate: 0.162, what: "Windows 32-core larger runner" },
  "windows-64-core": { rate: 0.322, what: "Windows 64-core larger runner" },
} as const;
export type RunnerType = keyof typeof GITHUB_RUNNER_RATES;
export const RUNNER_TYPES = Object.keys(GITHUB_RUNNER_RATES) as RunnerType[];

/** The day the rates above were read from GitHub's docs (shown in details and docs). */
export const GITHUB_RATES_READ_ON = "2026-12-07";

/** Runner types GitHub includes in a plan's minutes and does not bill for public repositories. */
export const STANDARD_RUNNER_TYPES: ReadonlySet<RunnerType> = new Set<RunnerType>([
  "linux",
  "linux-slim",
  "linux-arm",
  "windows",
  "windows-arm",
  "macos",
]);
