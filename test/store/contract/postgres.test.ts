import { postgresAvailability, postgresFactory } from './factories.ts';
import { storeContract } from './store-contract.ts';

// Skips with the reason when no PostgreSQL answers; REBOUND_REQUIRE_PG=1 makes that a failure.
storeContract(postgresFactory(await postgresAvailability()));
