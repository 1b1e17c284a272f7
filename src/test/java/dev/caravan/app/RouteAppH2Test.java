package dev.caravan.app;

/** The route application with its default ledger: H2 in the data folder. */
class RouteAppH2Test extends RouteAppContract {
  @Override
  String freshDatabase() {
    return null;
  }
}
