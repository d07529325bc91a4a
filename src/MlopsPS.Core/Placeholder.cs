namespace MlopsPS.Core; internal static class Placeholder {}
