import * as z from 'zod/mini';

/** Runtime settings, read from /config.json beside index.html so that one build deploys anywhere. */
const webConfigSchema = z.object({
  apiUrl: z.url(),
  oidc: z.object({
    authority: z.url(),
    clientId: z.string().check(z.minLength(1)),
    audience: z.string().check(z.minLength(1)),
  }),
  boardUrl: z.optional(z.url()),
});

export type WebConfig = z.infer<typeof webConfigSchema>;

export class ConfigError extends Error {}

export async function loadConfig(fetchFn: typeof fetch = fetch): Promise<WebConfig> {
  const response = await fetchFn('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new ConfigError(`/config.json answered ${response.status}`);
  const parsed = webConfigSchema.safeParse(await response.json());
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`/config.json is not valid: ${problems.join('; ')}`);
  }
  return { ...parsed.data, apiUrl: parsed.data.apiUrl.replace(/\/$/, '') };
}
