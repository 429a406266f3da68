"""Generated wire code for the placenorm gRPC contract (`make proto`); see proto/."""
