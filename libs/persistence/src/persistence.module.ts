import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseSettings, createDataSource } from './data-source';

@Injectable()
class DataSourceLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Provides the initialized TypeORM DataSource; repositories take it by injection. */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(settings: DatabaseSettings): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: DataSource,
          useFactory: async () => createDataSource(settings).initialize(),
        },
        DataSourceLifecycle,
      ],
      exports: [DataSource],
    };
  }
}

/** Nest providers for repositories: plain classes built from the DataSource (STYLE.md). */
export function repositoryProviders(
  ...repositories: Array<new (dataSource: DataSource) => unknown>
): Provider[] {
  return repositories.map((repository) => ({
    provide: repository,
    inject: [DataSource],
    useFactory: (dataSource: DataSource) => new repository(dataSource),
  }));
}
