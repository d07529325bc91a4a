namespace MlopsPS; internal static class Placeholder {}
