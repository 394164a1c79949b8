import { Logger } from '@nestjs/common';
import { migrate } from '@autotelesale/db';
import { bootstrapService } from './bootstrap-service';
import { loadServiceConfig } from './service-config';
import type { ServiceKitOptions } from './service-kit.options';

/**
 * A service's `main`: with `--migrate-only` it applies its migrations and exits (for
 * set-up scripts and a Kubernetes pre-install Job); otherwise it starts and serves.
 */
export async function runService(
  rootModule: unknown,
  options: ServiceKitOptions,
  argv = process.argv,
): Promise<void> {
  const logger = new Logger('main');
  try {
    if (argv.includes('--migrate-only')) {
      if (!options.database) {
        logger.log(`${options.service} owns no tables: nothing to migrate`);
        return;
      }
      const config = loadServiceConfig(options.service, process.env, true);
      const result = await migrate({ connectionString: config.databaseUrl!, ...options.database });
      logger.log(
        `${options.database.schema}: ${result.applied.length} applied (${result.applied.join(', ') || 'none'}), ${result.alreadyApplied.length} already applied`,
      );
      return;
    }
    await bootstrapService(rootModule, { service: options.service });
  } catch (error) {
    logger.error(
      `${options.service} failed to start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = 1;
    throw error;
  }
}
