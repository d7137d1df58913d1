import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Logger } from 'pino';
import { ApiKeysRepository, ensureBootstrapAdminKey } from '@vigil/persistence';
import { APP_CONFIG, LOGGER } from '@vigil/platform';
import { ApiConfig } from '../api-config';

/** VIGIL_BOOTSTRAP_ADMIN_KEY: the first admin key, for first start and automation (SPEC §8). */
@Injectable()
export class BootstrapAdminKey implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: ApiConfig,
    @Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const secret = this.config.VIGIL_BOOTSTRAP_ADMIN_KEY;
    if (secret === undefined) return;
    const result = await ensureBootstrapAdminKey(this.keys, secret, new Date());
    switch (result.outcome) {
      case 'created':
        this.logger.info({ keyId: result.key.id }, 'bootstrap admin key created');
        break;
      case 'exists':
        this.logger.debug({ keyId: result.key.id }, 'bootstrap admin key present');
        break;
      case 'unusable':
        this.logger.warn(
          { keyId: result.key.id, role: result.key.role },
          'VIGIL_BOOTSTRAP_ADMIN_KEY names a key that is revoked, expired or not an admin key; left as it is',
        );
        break;
    }
  }
}
